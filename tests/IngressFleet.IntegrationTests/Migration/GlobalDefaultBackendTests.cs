using System.Net;
using System.Net.Http.Json;
using IngressFleet.Host.Demo;
using IngressFleet.Tests.Fixtures;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace IngressFleet.Tests.Migration;

/// <summary>ingress-nginx's --default-backend-service as <c>--default-backend-service</c>: what no Ingress answers, on real sockets.</summary>
public sealed class GlobalDefaultBackendTests : IAsyncLifetime
{
    private const string Nginx = "nginx.ingress.kubernetes.io/";
    private EchoBackend _fallback = null!;
    private EchoBackend _shop = null!;
    private WebApplication _unavailable = null!;
    private StandaloneHost _host = null!;

    public async Task InitializeAsync()
    {
        _fallback = await EchoBackend.StartAsync("fallback");
        _shop = await EchoBackend.StartAsync("shop");
        (_unavailable, var unavailablePort) = await LoopbackApp.StartAnsweringAsync(StatusCodes.Status503ServiceUnavailable);
        _host = await StandaloneHost.StartAsync("--default-backend-service", "default/fallback:http");
        _host.Write(
            "default-backend.yaml",
            [
                Objects.Ingress("shop").Rule("shop.test", "/cart", "Prefix", "shop", "http").Build(),
                Objects.Ingress("errors").Rule("errors.test", "/", "Prefix", "unavailable", "http").Annotate(Nginx + "custom-http-errors", "503").Build(),
                .. ObjectsForBackends.ServiceFor("shop", _shop),
                .. ObjectsForBackends.ServiceFor("fallback", _fallback),
                .. ObjectsForBackends.ServiceFor("unavailable", "http", unavailablePort),
            ]);
        await Eventually.HoldsAsync(async () => await _host.WhoAnswersAsync("shop.test", "/cart") == "shop", TimeSpan.FromSeconds(15), "the Ingresses served");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _fallback.DisposeAsync();
        await _shop.DisposeAsync();
        await _unavailable.DisposeAsync();
    }

    [Fact]
    public async Task UnknownHosts_AndPathMisses_GoToTheDefaultBackend()
    {
        Assert.Equal("fallback", await _host.WhoAnswersAsync("unknown.test", "/"));
        Assert.Equal("fallback", await _host.WhoAnswersAsync("shop.test", "/other"));
        Assert.Equal("shop", await _host.WhoAnswersAsync("shop.test", "/cart/1"));
    }

    [Fact]
    public async Task CustomHttpErrors_WithoutTheAnnotatedBackend_AreAnsweredByTheDefaultBackend()
    {
        using var response = await _host.GetAsync("errors.test", "/orders/7");

        Assert.Equal("fallback", response.Headers.GetValues("X-Echo-Backend").Single());
        var echo = await response.Content.ReadFromJsonAsync<EchoResponse>();
        Assert.Equal("503", echo!.Headers["X-Code"]);
        Assert.Equal("/orders/7", echo.Headers["X-Original-URI"]);
        Assert.Equal("errors", echo.Headers["X-Ingress-Name"]);
    }
}
