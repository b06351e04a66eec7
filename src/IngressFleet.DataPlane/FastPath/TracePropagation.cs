using System.Collections.Frozen;
using System.Diagnostics;

namespace IngressFleet.DataPlane.FastPath;

/// <summary>The propagator that writes a request's trace context to its backend, and the header names it writes (the client's own are replaced).</summary>
internal sealed class TracePropagation(DistributedContextPropagator propagator)
{
    public DistributedContextPropagator Propagator { get; } = propagator;

    public FrozenSet<string> Fields { get; } = propagator.Fields.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
}
