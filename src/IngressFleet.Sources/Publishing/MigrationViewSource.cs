using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Migration;
using IngressFleet.Grains.Contracts.Migration;

namespace IngressFleet.Sources.Publishing;

/// <summary>
/// The source holder's side of <see cref="IMigrationViewGrain"/>: the report of what its publisher last committed,
/// made when asked, one at a time, and kept per commit and format, so repeated calls cost nothing more.
/// </summary>
internal sealed class MigrationViewSource(ConfigPublisher publisher, IngressClassFilter filter) : IMigrationViewSource
{
    private readonly Lock _building = new();
    private (CommittedObjects Of, MigrationView View)? _json;
    private (CommittedObjects Of, MigrationView View)? _markdown;

    public Task<MigrationView?> BuildAsync(string format)
    {
        var json = format == "json";
        lock (_building)
        {
            if (publisher.Committed is not { } committed)
            {
                return Task.FromResult<MigrationView?>(null);
            }

            if ((json ? _json : _markdown) is { } cached && ReferenceEquals(cached.Of, committed))
            {
                return Task.FromResult<MigrationView?>(cached.View);
            }

            var report = MigrationReport.Build(committed.Objects, filter, committed.Config);
            var view = new MigrationView(committed.Version, json ? "json" : "markdown", json ? MigrationReport.ToJson(report) : MigrationReport.ToMarkdown(report), report.Any(r => r.Differs));
            if (json)
            {
                _json = (committed, view);
            }
            else
            {
                _markdown = (committed, view);
            }

            return Task.FromResult<MigrationView?>(view);
        }
    }
}
