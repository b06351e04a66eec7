using IngressFleet.Host.Demo;

namespace IngressFleet.Tests.Fixtures;

internal static class ObjectsForBackends
{
    /// <summary>A Service with port 80 named http, and one EndpointSlice per echo backend, on 127.0.0.1.</summary>
    public static object[] ServiceFor(string name, params EchoBackend[] backends) => ServiceFor(name, "http", backends);

    /// <summary>A Service with one port named <paramref name="portName"/> (443 for <c>https</c>, else 80) and one EndpointSlice per echo backend.</summary>
    public static object[] ServiceFor(string name, EchoBackend backend, string portName) => ServiceFor(name, portName, [backend]);

    /// <summary>The same for a backend that is not an echo backend, on <paramref name="port"/> of 127.0.0.1.</summary>
    public static object[] ServiceFor(string name, int port, string portName) => ServiceFor(name, portName, [port]);

    private static object[] ServiceFor(string name, string portName, EchoBackend[] backends) => ServiceFor(name, portName, [.. backends.Select(b => b.Port)]);

    /// <summary>A Service with one port named <paramref name="portName"/> (443 for <c>https</c>, else 80) and one EndpointSlice per port of 127.0.0.1.</summary>
    public static object[] ServiceFor(string name, string portName, params int[] ports)
    {
        var objects = new List<object> { Objects.Service(name, "default", Objects.Port(portName == "https" ? 443 : 80, portName)) };
        for (var i = 0; i < ports.Length; i++)
        {
            var slice = Objects.Slice(name, "default", portName, ports[i], ("127.0.0.1", true));
            slice.Metadata.Name = $"{name}-{i}";
            objects.Add(slice);
        }

        return [.. objects];
    }
}
