using System.Diagnostics;
using IngressFleet.Core.AddressPolicy;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Model;
using IngressFleet.Core.Telemetry;
using IngressFleet.Core.Translation;
using IngressFleet.Grains.Contracts.Config;

namespace IngressFleet.Sources.Publishing;

/// <summary>
/// The end of every source: translates the objects a source holds, compares the result with the config in
/// force and commits only the difference to the config grain. An Ingress that fails validation keeps its
/// last committed routes. Calls must not overlap (each source publishes from one loop). One publisher
/// serves one term of the source lease: its commits carry that term's term, which fences them off once a
/// later term has committed.
/// </summary>
internal sealed partial class ConfigPublisher(
    IClusterClient client,
    IngressClassFilter filter,
    BackendAddressPolicy addresses,
    TranslationOptions translation,
    long term,
    TimeProvider time,
    ILogger<ConfigPublisher> logger)
{
    private readonly IngressTranslationCache _translations = new();
    private readonly BackendRef? _defaultBackend = translation.DefaultBackend();
    private RoutingConfig? _committed;
    private CommittedObjects? _committedObjects;

    /// <summary>True once the source's first full view was committed.</summary>
    public bool HasPublished { get; private set; }

    /// <summary>The objects last committed, as translated, and the config version they are in force as (for the migration report, read from another thread).</summary>
    public CommittedObjects? Committed => Volatile.Read(ref _committedObjects);

    public async Task PublishAsync(ClusterObjects objects, IReadOnlyCollection<ObjectProblem> sourceProblems)
    {
        // A commit refused as stale (the grain's state is not what this publisher last saw: another activation,
        // or state lost with the store) is computed again from a fresh snapshot; a few times at most.
        for (var attempt = 1; !await TryPublishAsync(objects, sourceProblems); attempt++)
        {
            if (attempt == 3)
            {
                // The source's error path retries later; the config in force keeps serving meanwhile.
                throw new InvalidOperationException("the config grain's version kept changing under the commit; trying again later");
            }
        }
    }

    /// <returns>False when the commit was refused as stale and should be computed again.</returns>
    private async Task<bool> TryPublishAsync(ClusterObjects objects, IReadOnlyCollection<ObjectProblem> sourceProblems)
    {
        var grain = client.GetGrain<IConfigGrain>(ControlPlaneNames.FleetKey);
        _committed ??= await grain.GetSnapshotAsync();
        var started = Stopwatch.GetTimestamp();
        var (desired, change) = ConfigTranslator.TranslateChange(objects, filter, _committed, sourceProblems, _translations, translation.DefaultCertificate, time, addresses, _defaultBackend);
        Log.Translated(logger, objects.Ingresses.Length, change.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        foreach (var certificate in change.Certificates.Where(c => c.NotAfter - time.GetUtcNow() < CertificateTranslator.ExpiryWarning))
        {
            Log.CertificateExpiresSoon(logger, certificate.Namespace, certificate.Name, certificate.NotAfter);
        }

        foreach (var problem in change.Problems)
        {
            if (problem.IsRejected)
            {
                Log.Rejected(logger, problem.Kind, problem.Namespace, problem.Name, problem.Source, string.Join("; ", problem.Reasons));
            }

            if (!problem.Warnings.IsEmpty)
            {
                Log.Ignored(logger, problem.Kind, problem.Namespace, problem.Name, problem.Source, string.Join("; ", problem.Warnings));
            }
        }

        if (change.IsEmpty && HasPublished)
        {
            // Equal to what is committed; kept so that the next pass shares this pass's instances.
            _committed = desired with { Version = _committed.Version };
            Volatile.Write(ref _committedObjects, new CommittedObjects(objects, desired, _committed.Version));
            return true;
        }

        // The root of the change's trace: the commit's grain calls and storage writes, and each silo's apply
        // (through the traceparent the config grain puts on the stream), become its descendants.
        using var activity = FleetTelemetry.Source.StartActivity(FleetTelemetry.PublishSpan, ActivityKind.Producer);
        activity?.SetTag("ingressfleet.source.term", term);
        activity?.SetTag("ingressfleet.config.ingresses", objects.Ingresses.Length);
        activity?.SetTag("ingressfleet.config.changed_items", change.Count);
        try
        {
            started = Stopwatch.GetTimestamp();
            var result = await grain.CommitAsync(change, term, _committed.Version);
            activity?.SetTag("ingressfleet.config.version", result.Version);
            activity?.SetTag("ingressfleet.config.accepted", result.Accepted);
            Log.CommitTook(logger, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (result.StaleBase)
            {
                _committed = null;
                return false;
            }

            if (!result.Accepted)
            {
                throw new SourceLeaseLostException($"the config grain refused term {term}: a later source term has committed");
            }

            // The grain now holds what desired holds. Keeping desired itself, not the committed config with the
            // change applied, keeps the next pass's unchanged items the same instances as its translations, so
            // comparing them is a reference check rather than a walk through every route.
            _committed = desired with { Version = result.Version };
            HasPublished = true;
            Volatile.Write(ref _committedObjects, new CommittedObjects(objects, desired, result.Version));
            if (!change.IsEmpty)
            {
                Log.Published(logger, result.Version, change.Ingresses.Length, change.RemovedIngresses.Length, change.Backends.Length, change.RemovedBackends.Length);
            }

            return true;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);

            // Whether the commit landed is unknown: compare with the grain's own state next time.
            _committed = null;
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventIds.ConfigPublisherTranslated, LogLevel.Debug, "Translated {Ingresses} ingresses into {Items} changed items in {Milliseconds:0.0} ms")]
        public static partial void Translated(ILogger logger, int ingresses, int items, double milliseconds);

        [LoggerMessage(EventIds.ConfigPublisherCommitTook, LogLevel.Debug, "Commit took {Milliseconds:0.0} ms")]
        public static partial void CommitTook(ILogger logger, double milliseconds);

        [LoggerMessage(EventIds.ConfigPublisherCertificateExpiresSoon, LogLevel.Warning, "The certificate of Secret {Namespace}/{Name} expires at {NotAfter:u}, in less than 14 days")]
        public static partial void CertificateExpiresSoon(ILogger logger, string @namespace, string name, DateTimeOffset notAfter);

        [LoggerMessage(EventIds.ConfigPublisherRejected, LogLevel.Warning, "Rejected {Kind} {Namespace}/{Name} from {Source}: {Reasons}")]
        public static partial void Rejected(ILogger logger, string kind, string @namespace, string name, string source, string reasons);

        [LoggerMessage(EventIds.ConfigPublisherIgnored, LogLevel.Warning, "Served {Kind} {Namespace}/{Name} from {Source} with parts ignored: {Warnings}")]
        public static partial void Ignored(ILogger logger, string kind, string @namespace, string name, string source, string warnings);

        [LoggerMessage(EventIds.ConfigPublisherPublished, LogLevel.Information, "Published config version {Version}: {Ingresses} ingresses set, {RemovedIngresses} removed, {Backends} backends set, {RemovedBackends} removed")]
        public static partial void Published(ILogger logger, long version, int ingresses, int removedIngresses, int backends, int removedBackends);
    }
}
