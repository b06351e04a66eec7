namespace IngressFleet.Distribution.Fleet;

/// <summary>What this silo tells the fleet view about itself, beyond the version it serves.</summary>
public interface ILocalSiloStatus
{
    /// <summary>The proxy's plain-HTTP port.</summary>
    int HttpPort { get; }

    /// <summary>The admin API's port.</summary>
    int AdminPort { get; }

    /// <summary>Whether this silo may take traffic now (its readiness).</summary>
    bool Ready { get; }

    /// <summary>Whether this silo holds the source lease and runs the source.</summary>
    bool RunsSource { get; }

    /// <summary>Whether this silo is shutting down: it finishes what it has and takes no new connections.</summary>
    bool Draining { get; }
}
