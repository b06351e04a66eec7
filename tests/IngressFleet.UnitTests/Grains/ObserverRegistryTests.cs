using IngressFleet.Core.Model;
using IngressFleet.Grains.Contracts.Config;
using IngressFleet.Grains.Observers;
using Microsoft.Extensions.Time.Testing;

namespace IngressFleet.Tests.Grains;

public sealed class ObserverRegistryTests
{
    private static readonly ConfigDelta Delta = new(1, 2, ConfigChange.Empty);

    [Fact]
    public void ARegistration_LapsesAfterThreeRenewalPeriods_UnlessRenewed()
    {
        var time = new FakeTimeProvider();
        var registry = new ObserverRegistry<IConfigObserver>(time);
        var renewed = new Recorder();
        var silent = new Recorder();
        registry.Watch(renewed, TimeSpan.FromSeconds(5));
        registry.Watch(silent, TimeSpan.FromSeconds(5));

        time.Advance(TimeSpan.FromSeconds(10));
        registry.Watch(renewed, TimeSpan.FromSeconds(5));
        time.Advance(TimeSpan.FromSeconds(6));
        registry.Push(o => o.OnDeltaAsync(Delta));

        Assert.Equal(1, renewed.Deltas);
        Assert.Equal(0, silent.Deltas);
    }

    [Fact]
    public void AShortRenewal_StillGetsTenSeconds()
    {
        var time = new FakeTimeProvider();
        var registry = new ObserverRegistry<IConfigObserver>(time);
        var observer = new Recorder();
        registry.Watch(observer, TimeSpan.FromMilliseconds(100));

        time.Advance(TimeSpan.FromSeconds(9));
        registry.Push(o => o.OnDeltaAsync(Delta));
        time.Advance(TimeSpan.FromSeconds(2));
        registry.Push(o => o.OnDeltaAsync(Delta));

        Assert.Equal(1, observer.Deltas);
    }

    [Fact]
    public void AnObserverThatThrows_IsDropped_AndTheOthersAreStillPushedTo()
    {
        var registry = new ObserverRegistry<IConfigObserver>(new FakeTimeProvider());
        var broken = new Recorder { Throws = true };
        var working = new Recorder();
        registry.Watch(broken, TimeSpan.FromSeconds(5));
        registry.Watch(working, TimeSpan.FromSeconds(5));

        var failures = registry.Push(o => o.OnDeltaAsync(Delta));
        registry.Push(o => o.OnDeltaAsync(Delta));

        Assert.Single(failures);
        Assert.Equal(2, working.Deltas);
        Assert.Equal(1, broken.Calls);
    }

    [Fact]
    public void Unwatch_EndsTheRegistration()
    {
        var registry = new ObserverRegistry<IConfigObserver>(new FakeTimeProvider());
        var observer = new Recorder();
        registry.Watch(observer, TimeSpan.FromSeconds(5));
        registry.Unwatch(observer);

        registry.Push(o => o.OnDeltaAsync(Delta));

        Assert.Equal(0, observer.Deltas);
    }

    private sealed class Recorder : IConfigObserver
    {
        public bool Throws { get; init; }

        public int Calls { get; private set; }

        public int Deltas { get; private set; }

        public Task OnDeltaAsync(ConfigDelta delta)
        {
            Calls++;
            if (Throws)
            {
                throw new InvalidOperationException("the silo is gone");
            }

            Deltas++;
            return Task.CompletedTask;
        }
    }
}
