using System.ComponentModel.DataAnnotations;

namespace IngressFleet.Core.Translation;

/// <summary>Which objects are translated: the IngressClass served, and the Secret of the default certificate.</summary>
public sealed class TranslationOptions
{
    /// <summary>The IngressClass name served even without an IngressClass object. Default <c>ingressfleet</c>.</summary>
    [Required, RegularExpression("^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string IngressClass { get; set; } = "ingressfleet";

    /// <summary>Serve Ingresses that name no class. Default true.</summary>
    public bool WatchIngressWithoutClass { get; set; } = true;

    /// <summary>The Secret (<c>namespace/name</c>) whose certificate is presented when no Ingress covers the SNI name; a self-signed one made at start-up when unset.</summary>
    [RegularExpression("^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")]
    public string? DefaultCertificate { get; set; }
}
