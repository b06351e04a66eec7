namespace IngressFleet.Core.Logging;

/// <summary>
/// Every log event id of IngressFleet, in one place so that none is used twice (a test checks it against
/// every <c>[LoggerMessage]</c>). Ranges by stage: 1000 grains, 2000 sources, 3000 distribution,
/// 4000 data plane, 5000 host. Ids are stable: add new ones, never renumber.
/// </summary>
public static class EventIds
{
    public const int BackendGrainEjected = 1001;
    public const int BackendGrainReturned = 1002;
    public const int ConfigGrainRestored = 1003;
    public const int ConfigGrainCommitted = 1004;
    public const int ConfigGrainPublishFailed = 1005;
    public const int ConfigGrainStaleSource = 1006;
    public const int HealthGrainPublishFailed = 1007;
    public const int IngressStatusWriterWritten = 2001;
    public const int IngressStatusWriterWriteFailed = 2002;
    public const int KubernetesSourceStarting = 2003;
    public const int KubernetesSourcePublishFailed = 2004;
    public const int ReflectorListed = 2005;
    public const int ReflectorGone = 2006;
    public const int ReflectorConnectionLost = 2007;
    public const int ReflectorFailed = 2008;
    public const int ManifestFolderSourceWatching = 2009;
    public const int ManifestFolderSourceFolderMissing = 2010;
    public const int ManifestFolderSourceReadFailed = 2011;
    public const int ConfigPublisherTranslated = 2012;
    public const int ConfigPublisherCommitTook = 2013;
    public const int ConfigPublisherCertificateExpiresSoon = 2014;
    public const int ConfigPublisherRejected = 2015;
    public const int ConfigPublisherPublished = 2016;
    public const int SourceRunnerTermStarted = 2017;
    public const int SourceRunnerLeaseHeldElsewhere = 2018;
    public const int SourceRunnerLeaseLapsed = 2019;
    public const int SourceRunnerLeaseRequestFailed = 2020;
    public const int SourceRunnerTermFenced = 2021;
    public const int SourceRunnerReleaseFailed = 2022;
    public const int ConfigPublisherIgnored = 2023;
    public const int SourceRunnerMigrationViewOfferFailed = 2024;
    public const int SourceRunnerSourceFailed = 2025;
    public const int StorageLossFilterDeactivating = 1020;
    public const int HealthGrainRecollectFailed = 1021;
    public const int LimitGrainStoreUnavailable = 1022;
    public const int LimitGrainSuperseded = 1023;
    public const int ConfigGrainStaleBase = 1024;
    public const int ConfigGrainPushFailed = 1025;
    public const int HealthGrainPushFailed = 1026;
    public const int ConfigGrainStaleActivation = 1027;
    public const int FleetReporterReportFailed = 3001;
    public const int FollowerSynced = 3002;
    public const int FollowerDeltaHandled = 3003;
    public const int FollowerApplyFailed = 3004;
    public const int FollowerRepaired = 3005;
    public const int FollowerCheckFailed = 3006;
    public const int FollowerUnsubscribeFailed = 3007;
    public const int FollowerRetry = 3008;
    public const int ActiveProberProbing = 3009;
    public const int ActiveProberReportFailed = 3010;
    public const int HealthReporterReportFailed = 3011;
    public const int LimitLeaseRenewerRenewFailed = 3012;
    public const int ActiveProberScanFailed = 3013;
    public const int FollowerResubscribeFailed = 3014;
    public const int ProxyHandlerForwardFailed = 4001;
    public const int AccessLogWriteFailed = 4002;
    public const int ProxyHandlerClientAborted = 4003;
    public const int ProxyHandlerRetrying = 4004;
    public const int Http1ForwarderRetrying = 4005;
    public const int DemoBackendsStarted = 5001;
    public const int GracefulShutdownDraining = 5002;
    public const int GracefulShutdownDrained = 5003;
    public const int MembershipTableRepairRepairing = 5004;
    public const int MembershipTableRepairRegistered = 5005;
    public const int MembershipTableRepairFailed = 5006;
    public const int MembershipTableRepairRestored = 5007;
}
