using IngressFleet.Hosting;
using Microsoft.Extensions.Options;

try
{
    await IngressFleetHost.Build(args).RunAsync();
    return 0;
}
catch (Exception e) when (e is ArgumentException or OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"ingressfleet: {e.Message}");
    return 2;
}
