using IngressFleet.Host.Demo;
using IngressFleet.Host.Hosting;
using IngressFleet.Host.Migration;
using Microsoft.Extensions.Options;

SocketCompletions.PreferInline();
try
{
    if (args is ["demo-backends", ..])
    {
        // Only the demo's echo backends, for a local fleet whose silos must not each start them.
        await DemoBackends.RunAloneAsync();
        return 0;
    }

    if (args is ["migrate-check", .. var options])
    {
        return await MigrateCheckCommand.RunAsync(options, Console.Out);
    }

    await IngressFleetHost.Build(args).RunAsync();
    return 0;
}
catch (Exception e) when (e is ArgumentException or OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"ingressfleet: {e.Message}");
    return 2;
}
