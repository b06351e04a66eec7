using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Translation;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Contracts.Migration;
using IngressFleet.Grains.Contracts.SourceLeases;
using Microsoft.Extensions.Options;

namespace IngressFleet.Sources.Publishing;

/// <summary>
/// Runs the config source on exactly one silo of the fleet: every silo asks the <see cref="ISourceLeaseGrain"/>
/// for the lease every quarter of its duration; the holder runs the source, the others wait. A holder
/// stops its source as soon as it cannot renew before its lease would lapse; when it dies, the lease
/// expires and the next silo to ask takes over, reading the source from scratch. Commits carry the lease
/// term, so a holder that missed its own expiry cannot overwrite its successor.
/// </summary>
internal sealed partial class SourceRunner(
    IClusterClient client,
    IConfigSource source,
    ILocalSiloDetails silo,
    IngressClassFilter filter,
    BackendAddressPolicy addresses,
    IOptions<SourceOptions> options,
    IOptions<TranslationOptions> translation,
    SourceInput input,
    TimeProvider time,
    ILoggerFactory loggers) : BackgroundService
{
    private readonly ILogger _logger = loggers.CreateLogger<SourceRunner>();
    private ActiveTerm? _term;

    /// <summary>True while this silo holds the lease and runs the source.</summary>
    public bool RunsSource => _term is { Task.IsCompleted: false };

    private ISourceLeaseGrain Lease => client.GetGrain<ISourceLeaseGrain>(ControlPlaneNames.FleetKey);

    private string Holder => silo.SiloAddress.ToString();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_term is { } term)
        {
            await EndTermAsync(term);
            try
            {
                // Hand over at once instead of making the fleet wait for the lease to expire.
                await Lease.ReleaseAsync(Holder, term.Term).WaitAsync(TimeSpan.FromSeconds(2), time, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ReleaseFailed(_logger, e);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var duration = options.Value.SourceLeaseDuration;
        var renewEvery = duration / 4;
        var validUntil = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var asked = time.GetUtcNow();
            try
            {
                var lease = await Lease.AcquireOrRenewAsync(Holder, duration);
                if (lease.Granted)
                {
                    // Counted from before the request: the grain's expiry is later than this, never earlier.
                    validUntil = asked + duration - renewEvery;
                    if (_term?.Term != lease.Term || _term.Task.IsCompleted)
                    {
                        await StopTermAsync();
                        _term = StartTerm(lease.Term);
                    }

                    // Not awaited: the lease renewal must never wait on an admin feature.
                    _ = OfferMigrationViewAsync(_term);
                }
                else if (_term is not null)
                {
                    Log.LeaseHeldElsewhere(_logger, lease.Holder, lease.Term);
                    await StopTermAsync();
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // Any failure while running, a cancellation from elsewhere (a timeout) included: only stopping ends the loop.
                Log.LeaseRequestFailed(_logger, e);
            }

            if (_term is not null && time.GetUtcNow() >= validUntil)
            {
                Log.LeaseLapsed(_logger, _term.Term);
                await StopTermAsync();
            }

            await Task.Delay(renewEvery, time, stoppingToken);
        }
    }

    private ActiveTerm StartTerm(long term)
    {
        Log.TermStarted(_logger, term, source.Description);
        var cancellation = new CancellationTokenSource();
        var publisher = new ConfigPublisher(client, filter, addresses, translation.Value, term, time, loggers.CreateLogger<ConfigPublisher>());
        var task = Task.Run(() => RunSourceAsync(publisher, term, cancellation.Token), CancellationToken.None);

        // Held here: Orleans keeps only a weak reference to an observer.
        var view = new MigrationViewSource(publisher, filter);
        return new ActiveTerm(term, cancellation, task, view, client.CreateObjectReference<IMigrationViewSource>(view));
    }

    /// <summary>Tells the fleet's migration view that this silo answers it, at every renewal: the grain keeps it in memory only.</summary>
    private async Task OfferMigrationViewAsync(ActiveTerm term)
    {
        try
        {
            await client.GetGrain<IMigrationViewGrain>(ControlPlaneNames.FleetKey).OfferAsync(term.ViewReference, term.Term).WaitAsync(TimeSpan.FromSeconds(5), time);
        }
        catch (Exception e)
        {
            // Only the admin API's migration view waits for the next renewal.
            Log.MigrationViewOfferFailed(_logger, e.Message);
        }
    }

    private async Task RunSourceAsync(ConfigPublisher publisher, long term, CancellationToken cancellationToken)
    {
        try
        {
            await source.RunAsync(publisher, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The term ended.
        }
        catch (SourceLeaseLostException e)
        {
            Log.TermFenced(_logger, term, e.Message);
        }
        catch (Exception e)
        {
            // Ends this term's source, never the silo: the term's task must not fault (ending the term awaits it, in
            // the lease loop and at shutdown). The next renewal starts the source again, reading it from scratch; a
            // failure while the term is being ended is only the source stopping.
            if (!cancellationToken.IsCancellationRequested)
            {
                Log.SourceFailed(_logger, term, e);
            }
        }
        finally
        {
            input.Clear();
        }
    }

    private async Task StopTermAsync()
    {
        if (_term is { } term)
        {
            _term = null;
            await EndTermAsync(term);
        }
    }

    private async Task EndTermAsync(ActiveTerm term)
    {
        await term.Cancellation.CancelAsync();
        await term.Task;
        term.Cancellation.Dispose();
        client.DeleteObjectReference<IMigrationViewSource>(term.ViewReference);
    }

    private sealed record ActiveTerm(long Term, CancellationTokenSource Cancellation, Task Task, MigrationViewSource View, IMigrationViewSource ViewReference);

    private static partial class Log
    {
        [LoggerMessage(EventIds.SourceRunnerTermStarted, LogLevel.Information, "This silo holds the source lease (term {Term}) and runs the {Source}")]
        public static partial void TermStarted(ILogger logger, long term, string source);

        [LoggerMessage(EventIds.SourceRunnerLeaseHeldElsewhere, LogLevel.Information, "The source lease is held by {Holder} (term {Term}); this silo stops its source")]
        public static partial void LeaseHeldElsewhere(ILogger logger, string holder, long term);

        [LoggerMessage(EventIds.SourceRunnerLeaseLapsed, LogLevel.Warning, "The source lease (term {Term}) could not be renewed in time; this silo stops its source")]
        public static partial void LeaseLapsed(ILogger logger, long term);

        [LoggerMessage(EventIds.SourceRunnerLeaseRequestFailed, LogLevel.Warning, "Asking for the source lease failed")]
        public static partial void LeaseRequestFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventIds.SourceRunnerTermFenced, LogLevel.Warning, "Source term {Term} ended: {Reason}")]
        public static partial void TermFenced(ILogger logger, long term, string reason);

        [LoggerMessage(EventIds.SourceRunnerMigrationViewOfferFailed, LogLevel.Debug, "Offering this silo's migration view failed: {Reason}")]
        public static partial void MigrationViewOfferFailed(ILogger logger, string reason);

        [LoggerMessage(EventIds.SourceRunnerSourceFailed, LogLevel.Error, "Source term {Term} failed; the source starts again at the next lease renewal")]
        public static partial void SourceFailed(ILogger logger, long term, Exception exception);

        [LoggerMessage(EventIds.SourceRunnerReleaseFailed, LogLevel.Warning, "Releasing the source lease failed; it will expire instead")]
        public static partial void ReleaseFailed(ILogger logger, Exception exception);
    }
}
