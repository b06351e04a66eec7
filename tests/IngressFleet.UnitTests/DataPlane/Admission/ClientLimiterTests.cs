using System.Net;
using IngressFleet.Core.Model;
using IngressFleet.DataPlane.Admission;
using Microsoft.Extensions.Time.Testing;

namespace IngressFleet.Tests.DataPlane.Admission;

/// <summary>One silo's per-client limits under fake time: nginx's limit_req and limit_conn per client, and a silo's part of a client seen elsewhere too.</summary>
public sealed class ClientLimiterTests
{
    private static readonly IPAddress Alice = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Bob = IPAddress.Parse("192.0.2.2");

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Rate_AdmitsTheBurstAtOnce_ThenTheRate_PerClient()
    {
        // limit-rps 2 with multiplier 3: nginx's burst=6 nodelay admits 7 at once, then one per half second.
        var limiter = new ClientLimiter("clients|default/web", new ClientLimit(2, 0, 0, 3, string.Empty), _time, new ClientCapacity());
        Assert.Equal(7, Enter(limiter, Alice, 20));
        Assert.Equal(7, Enter(limiter, Bob, 20));

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, Enter(limiter, Alice, 5));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(7, Enter(limiter, Alice, 20));
    }

    [Fact]
    public void PerMinute_AndPerSecond_BothApply()
    {
        var limiter = new ClientLimiter("k", new ClientLimit(10, 6, 0, 1, string.Empty), _time, new ClientCapacity());

        // The minute's bucket (6 + 1) runs out before the second's (10 + 1).
        Assert.Equal(7, Enter(limiter, Alice, 20));
        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(1, Enter(limiter, Alice, 20));
    }

    [Fact]
    public void Connections_CountRequestsInFlight_AndFreeOnExit()
    {
        var limiter = new ClientLimiter("k", new ClientLimit(0, 0, 2, 5, string.Empty), _time, new ClientCapacity());
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out var first));
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out _));
        Assert.Equal(ClientVerdict.ConnectionsExceeded, limiter.TryEnter(Alice, out var refused));
        Assert.Null(refused);
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Bob, out _));

        first!.Exit();
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out _));

        // IPv4 and its IPv6-mapped form are one client.
        Assert.Equal(ClientVerdict.ConnectionsExceeded, limiter.TryEnter(Alice.MapToIPv6(), out _));
    }

    [Fact]
    public void APart_ShrinksTheClientsBucketAndConnections_UntilItLapses()
    {
        var limiter = new ClientLimiter("k", new ClientLimit(10, 0, 6, 1, string.Empty), _time, new ClientCapacity());
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out var held));
        held!.Exit();
        var use = Assert.Single(limiter.TakeUse());
        Assert.Equal("192.0.2.1", use.Client);
        Assert.Equal(1, use.Connections);

        limiter.Share("192.0.2.1", 0.25, 1, TimeSpan.FromSeconds(2), _time.GetTimestamp());
        _time.Advance(TimeSpan.FromSeconds(1));

        // A quarter of 10 + 1 tokens, of 10 per second, and one connection.
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out var one));
        Assert.Equal(ClientVerdict.ConnectionsExceeded, limiter.TryEnter(Alice, out _));
        one!.Exit();

        // The refused request spent its token too, as nginx's limit_req runs before limit_conn: the part is spent.
        Assert.Equal(0, Enter(limiter, Alice, 10));

        // 0.9 of the part's 2 s after it was given, the whole limit is back.
        _time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(11, Enter(limiter, Alice, 20));
    }

    [Fact]
    public void IdleClients_AreForgotten_OnceTheirBucketsAreFull()
    {
        var limiter = new ClientLimiter("k", new ClientLimit(1, 0, 0, 5, string.Empty), _time, new ClientCapacity());
        Assert.Equal(6, Enter(limiter, Alice, 10));
        Assert.Single(limiter.TakeUse());
        Assert.Empty(limiter.TakeUse());
        Assert.Equal(1, limiter.Clients);

        _time.Advance(TimeSpan.FromSeconds(6));
        Assert.Empty(limiter.TakeUse());
        Assert.Equal(0, limiter.Clients);
        Assert.Equal(6, Enter(limiter, Alice, 10));
    }

    [Fact]
    public void ARateSetLater_StartsFromAFullBucket_NotFromWhatCameBefore()
    {
        // Only connections limited: a busy client's requests are not counted against a rate that is not set.
        var limiter = new ClientLimiter("k", new ClientLimit(0, 0, 100, 1, string.Empty), _time, new ClientCapacity());
        Assert.Equal(1000, Enter(limiter, Alice, 1000));

        limiter.Limit = new ClientLimit(5, 0, 100, 1, string.Empty);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(6, Enter(limiter, Alice, 20));
    }

    [Fact]
    public void WhenFull_TheLeastRecentlyUsedIdleClientsAreEvicted_AndOnlyClientsInFlightKeepTheirPlace()
    {
        var capacity = new ClientCapacity(4);
        var limiter = new ClientLimiter("k", new ClientLimit(0, 0, 1, 1, string.Empty), _time, capacity);
        var busy = new List<ClientCounters>();
        for (var i = 1; i <= 4; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(10));
            Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(IPAddress.Parse($"192.0.2.{i}"), out var entered));
            if (i <= 2)
            {
                entered!.Exit();
            }
            else
            {
                busy.Add(entered!);
            }
        }

        // Full: the oldest idle client (192.0.2.1) makes room for a new one; the busy ones stay counted.
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(IPAddress.Parse("192.0.2.9"), out var newcomer));
        Assert.Equal(4, capacity.Used);
        Assert.Equal(ClientVerdict.ConnectionsExceeded, limiter.TryEnter(IPAddress.Parse("192.0.2.3"), out _));

        // Nothing idle left to evict but 192.0.2.2: it goes; then nothing can, and a new client is refused.
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(IPAddress.Parse("192.0.2.10"), out _));
        Assert.Equal(ClientVerdict.TooManyClients, limiter.TryEnter(IPAddress.Parse("192.0.2.11"), out _));
        newcomer!.Exit();
        busy.ForEach(b => b.Exit());
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(IPAddress.Parse("192.0.2.11"), out _));
    }

    [Fact]
    public void AnIdleLimiter_IsRetired_AndARequestHoldingItIsSentToLookItUpAgain()
    {
        using var admission = new AdmissionControl(_time);
        var limit = new ClientLimit(1, 0, 0, 1, string.Empty);
        var limiter = admission.Clients("default/web", limit);
        Assert.Equal(ClientVerdict.Admitted, limiter.TryEnter(Alice, out var held));
        held!.Exit();
        Assert.False(admission.Forget(limiter));

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(limiter.TakeUse());
        Assert.Empty(limiter.TakeUse());
        Assert.True(admission.Forget(limiter));
        Assert.Equal(ClientVerdict.Forgotten, limiter.TryEnter(Alice, out _));
        Assert.NotSame(limiter, admission.Clients("default/web", limit));
    }

    private static int Enter(ClientLimiter limiter, IPAddress client, int requests)
    {
        var admitted = 0;
        for (var i = 0; i < requests; i++)
        {
            if (limiter.TryEnter(client, out var entered) == ClientVerdict.Admitted)
            {
                admitted++;
                entered!.Exit();
            }
        }

        return admitted;
    }
}
