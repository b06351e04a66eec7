using IngressFleet.Core.Translation;
using IngressFleet.Core.Translation.Migration;
using IngressFleet.Grains.Contracts.Migration;

namespace IngressFleet.Sources.Publishing;

/// <summary>The source holder's side of <see cref="IMigrationViewGrain"/>: the report of what its publisher last committed, made when asked.</summary>
internal sealed class MigrationViewSource(ConfigPublisher publisher, IngressClassFilter filter) : IMigrationViewSource
{
    public Task<MigrationView?> BuildAsync(string format)
    {
        if (publisher.Committed is not var (objects, config, version))
        {
            return Task.FromResult<MigrationView?>(null);
        }

        var report = MigrationReport.Build(objects, filter, config);
        var text = format == "json" ? MigrationReport.ToJson(report) : MigrationReport.ToMarkdown(report);
        return Task.FromResult<MigrationView?>(new MigrationView(version, format == "json" ? "json" : "markdown", text, report.Any(r => r.Differs)));
    }
}
