namespace IngressFleet.Host.Demo;

/// <summary>The demo: sample Ingresses and their echo backends in one process.</summary>
public sealed class DemoOptions
{
    /// <summary>Start the sample echo backends of the demo in this process, and read <c>deploy/local/demo</c> unless a folder is given.</summary>
    public bool Demo { get; set; }
}
