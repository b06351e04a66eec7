using IngressFleet.Grains.Contracts.Migration;

namespace IngressFleet.Grains.Migration;

/// <inheritdoc cref="IMigrationViewGrain"/>
internal sealed class MigrationViewGrain : Grain, IMigrationViewGrain
{
    // A report of every Ingress of a large cluster takes a while; an admin call waits this long at most.
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromSeconds(20);

    private IMigrationViewSource? _source;
    private long _term = -1;

    public Task OfferAsync(IMigrationViewSource source, long term)
    {
        if (term >= _term)
        {
            (_source, _term) = (source, term);
        }

        return Task.CompletedTask;
    }

    public async Task<MigrationView?> GetAsync(string format) =>
        _source is { } source ? await source.BuildAsync(format).WaitAsync(BuildTimeout) : null;
}
