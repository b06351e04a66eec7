using System.ComponentModel.DataAnnotations;
using IngressFleet.Core.Model;

namespace IngressFleet.Core.Translation;

/// <summary>Which objects are translated: the IngressClass served, the Secret of the default certificate, and the default backend.</summary>
public sealed class TranslationOptions : IValidatableObject
{
    /// <summary>The IngressClass name served even without an IngressClass object. Default <c>ingressfleet</c>.</summary>
    [Required, RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string IngressClass { get; set; } = "ingressfleet";

    /// <summary>Serve Ingresses that name no class. Default true.</summary>
    public bool WatchIngressWithoutClass { get; set; } = true;

    /// <summary>The Secret (<c>namespace/name</c>) whose certificate is presented when no Ingress covers the SNI name; a self-signed one made at start-up when unset.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? DefaultCertificate { get; set; }

    /// <summary>
    /// The Service (<c>namespace/name</c>, optionally <c>:port</c>; port 80 unless named, where ingress-nginx takes the
    /// Service's first port) that answers what no Ingress
    /// does, as ingress-nginx's <c>--default-backend-service</c>: hosts no rule names when no Ingress has a catch-all
    /// <c>spec.defaultBackend</c>, path misses on hosts whose Ingresses set none, and the statuses of
    /// <c>custom-http-errors</c> on Ingresses without a <c>default-backend</c> annotation. Unset: those get 404, and
    /// the backend's own error answers go to the client.
    /// </summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?(:([1-9][0-9]{0,4}|[a-z0-9]([-a-z0-9]*[a-z0-9])?))?$")]
    public string? DefaultBackendService { get; set; }

    /// <summary>The <see cref="DefaultBackendService"/> as a backend, or null.</summary>
    public BackendRef? DefaultBackend()
    {
        if (DefaultBackendService is not { } value || value.IndexOf('/', StringComparison.Ordinal) is var slash && slash < 0)
        {
            return null;
        }

        return BackendRef.FromServicePort(value[..slash], value[(slash + 1)..], out _);
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (DefaultBackendService is { } value && value.Contains('/', StringComparison.Ordinal) && DefaultBackend() is null)
        {
            yield return new ValidationResult($"DefaultBackendService \"{value}\": the port must be between 1 and 65535", [nameof(DefaultBackendService)]);
        }
    }
}
