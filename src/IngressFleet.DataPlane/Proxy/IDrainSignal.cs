namespace IngressFleet.DataPlane.Proxy;

/// <summary>Tells the request path that this process is shutting down: responses then ask clients to close their connections.</summary>
public interface IDrainSignal
{
    /// <summary>True from the shutdown signal on.</summary>
    bool Draining { get; }
}
