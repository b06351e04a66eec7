namespace IngressFleet.Grains.Contracts.Migration;

/// <summary>
/// The migration report of the running config: per Ingress and annotation, what carries over from ingress-nginx,
/// in <see cref="Format"/> (<c>json</c> or <c>markdown</c>), as of config version <see cref="Version"/>.
/// <see cref="Differs"/> is true when any Ingress is served differently from ingress-nginx or not at all.
/// </summary>
[GenerateSerializer, Immutable, Alias("ingressfleet.MigrationView")]
public sealed record MigrationView(long Version, string Format, string Text, bool Differs);
