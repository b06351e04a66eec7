using IngressFleet.Host.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IngressFleet.Tests.Hosting;

/// <summary>Every option is read and validated once at start; a bad value stops the start with a message naming it.</summary>
public sealed class HostSettingsTests
{
    [Fact]
    public void Read_Defaults_AreValid()
    {
        var settings = Read([]);

        Assert.Equal(8080, settings.Proxy.HttpPort);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.Get<IngressFleet.Distribution.DistributionOptions>().AntiEntropyInterval);
    }

    [Theory]
    [InlineData("HttpPort", "abc", "HttpPort")]
    [InlineData("AntiEntropyInterval", "soon", "AntiEntropyInterval")]
    [InlineData("HttpPort", "70000", "HttpPort")]
    [InlineData("ProbeTimeout", "00:00:00.001", "ProbeTimeout")]
    [InlineData("GatewayPort", "8080", "must all differ")]
    [InlineData("AdminAddress", "localhost", "AdminAddress")]
    [InlineData("Namespaces", "UPPER", "Namespaces")]
    public void Read_BadValue_FailsWithAMessageNamingIt(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Read([new(key, value)]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Register_InjectsTheInstancesRead()
    {
        var settings = Read([new("HttpPort", "8181")]);
        var services = new ServiceCollection();
        settings.Register(services);
        using var provider = services.BuildServiceProvider();

        Assert.Same(settings.Proxy, provider.GetRequiredService<IOptions<IngressFleet.DataPlane.Proxy.ProxyOptions>>().Value);
        Assert.Equal(8181, provider.GetRequiredService<IOptions<IngressFleet.DataPlane.Proxy.ProxyOptions>>().Value.HttpPort);
    }

    private static HostSettings Read(KeyValuePair<string, string?>[] values) =>
        HostSettings.Read(new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>($"{HostSettings.Section}:{v.Key}", v.Value)))
            .Build()
            .GetSection(HostSettings.Section));
}
