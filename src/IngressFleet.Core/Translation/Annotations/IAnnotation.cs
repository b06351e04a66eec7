namespace IngressFleet.Core.Translation.Annotations;

/// <summary>An annotation IngressFleet implements, whatever the type of its value.</summary>
public interface IAnnotation
{
    /// <summary>Our key, under <c>ingressfleet.io/</c>.</summary>
    string Key { get; }

    /// <summary>The ingress-nginx key read with the same meaning, if any; ours wins when both are set.</summary>
    string? NginxKey { get; }

    /// <summary>What a valid value looks like, bounds included (also the text of the error).</summary>
    string Expected { get; }
}
