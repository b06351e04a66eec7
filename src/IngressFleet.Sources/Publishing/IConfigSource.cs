namespace IngressFleet.Sources.Publishing;

/// <summary>
/// A source of Kubernetes objects (the manifest folder; the API server). Only the silo that holds the
/// source lease runs it: <see cref="RunAsync"/> reads the source from scratch, publishes its full view,
/// then every change, until cancelled.
/// </summary>
internal interface IConfigSource
{
    /// <summary>What it reads, for logs and the admin API.</summary>
    string Description { get; }

    Task RunAsync(ConfigPublisher publisher, CancellationToken cancellationToken);
}
