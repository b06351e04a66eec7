namespace IngressFleet.Grains.Contracts.Migration;

/// <summary>The silo running the config source, as an observer: only it holds the objects (annotations and all) the report is made from.</summary>
[Alias("ingressfleet.IMigrationViewSource")]
public interface IMigrationViewSource : IGrainObserver
{
    /// <summary>The report of what the source last committed; null before its first commit.</summary>
    [Alias("Build")]
    Task<MigrationView?> BuildAsync(string format);
}
