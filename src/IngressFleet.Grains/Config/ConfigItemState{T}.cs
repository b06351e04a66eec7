namespace IngressFleet.Grains.Config;

/// <summary>What a config item grain persists: its one item.</summary>
[GenerateSerializer, Alias("ingressfleet.ConfigItemState`1")]
public sealed class ConfigItemState<T>
    where T : class
{
    [Id(0)] public T? Value { get; set; }
}
