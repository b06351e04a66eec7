using k8s.Models;

namespace IngressFleet.Core.Translation;

/// <summary>Which Ingresses this controller serves, by the Kubernetes IngressClass rules.</summary>
/// <param name="ClassName">The class name served even without an IngressClass object (<c>--ingress-class</c>).</param>
/// <param name="ServeIngressesWithoutClass">Serve Ingresses that name no class.</param>
public sealed record IngressClassFilter(string ClassName, bool ServeIngressesWithoutClass)
{
    /// <summary>The <c>spec.controller</c> value of IngressClasses that belong to IngressFleet.</summary>
    public const string ControllerName = "ingressfleet.io/ingress-controller";

    /// <summary>The annotation that makes an IngressClass the cluster default.</summary>
    public const string DefaultClassAnnotation = "ingressclass.kubernetes.io/is-default-class";

    /// <summary>The deprecated annotation that named a class before <c>spec.ingressClassName</c>.</summary>
    public const string LegacyClassAnnotation = "kubernetes.io/ingress.class";

    public static IngressClassFilter Default { get; } = new("ingressfleet", ServeIngressesWithoutClass: true);

    /// <summary>
    /// Ours when it names our class (directly or through an IngressClass of our controller), or when it
    /// names none and either such Ingresses are served or one of our IngressClasses is the default.
    /// </summary>
    public bool Serves(V1Ingress ingress, IReadOnlyCollection<V1IngressClass> classes)
    {
        var className = ingress.Spec?.IngressClassName;
        if (string.IsNullOrEmpty(className)
            && ingress.Metadata?.Annotations?.TryGetValue(LegacyClassAnnotation, out var legacy) == true)
        {
            className = legacy;
        }

        if (!string.IsNullOrEmpty(className))
        {
            return className == ClassName
                || classes.Any(c => c.Metadata?.Name == className && c.Spec?.Controller == ControllerName);
        }

        return ServeIngressesWithoutClass
            || classes.Any(c => c.Spec?.Controller == ControllerName && IsDefaultClass(c));
    }

    private static bool IsDefaultClass(V1IngressClass ingressClass) =>
        ingressClass.Metadata?.Annotations?.TryGetValue(DefaultClassAnnotation, out var value) == true
        && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);
}
