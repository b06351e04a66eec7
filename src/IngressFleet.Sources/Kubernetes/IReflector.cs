namespace IngressFleet.Sources.Kubernetes;

/// <summary>One mirrored collection, whatever its object type.</summary>
internal interface IReflector
{
    /// <summary>True once the first list has been mirrored.</summary>
    bool Synced { get; }

    /// <summary>Lists, then watches, until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Lists the collection once, without watching (a one-off read, such as the migration check's).</summary>
    Task ListOnceAsync(CancellationToken cancellationToken);
}
