using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace IngressFleet.Host.Demo;

/// <summary>What an <see cref="EchoBackend"/> answers.</summary>
public sealed record EchoResponse(
    string Backend,
    string Protocol,
    string Scheme,
    string Method,
    string Path,
    string Query,
    Dictionary<string, string> Headers,
    string Body)
{
    public static JsonSerializerOptions JsonOptions { get; } = new(JsonSerializerDefaults.Web);
}
