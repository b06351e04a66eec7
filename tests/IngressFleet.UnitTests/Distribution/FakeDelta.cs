namespace IngressFleet.Tests.Distribution;

/// <summary>A delta of the fake control plane: from one version to the next.</summary>
public sealed record FakeDelta(long Previous, long Version);
