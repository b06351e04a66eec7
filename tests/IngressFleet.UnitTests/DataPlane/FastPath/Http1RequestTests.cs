using System.Diagnostics;
using System.Text;
using IngressFleet.DataPlane.FastPath;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace IngressFleet.Tests.DataPlane.FastPath;

public sealed class Http1RequestTests
{
    private static readonly TracePropagation Propagation = new(DistributedContextPropagator.CreateDefaultPropagator());

    [Fact]
    public void APlainRequest_IsWrittenAsYarpWouldSendIt()
    {
        var context = Context();
        context.Request.Headers["X-Custom"] = "kept";
        context.Request.Headers["Connection"] = "keep-alive";
        context.Request.Headers["X-Forwarded-For"] = "6.6.6.6";

        using var request = Http1Request.TryCreate(context, trace: null, Propagation);

        Assert.NotNull(request);
        var text = Encoding.ASCII.GetString(request.Bytes.Span);
        Assert.StartsWith("GET /a/b?x=1 HTTP/1.1\r\nHost: app.test\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Custom: kept\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nX-Forwarded-For: 10.1.2.3\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("6.6.6.6", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Connection", text, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("a\r\nX-Injected: 1")]
    [InlineData("a\nb")]
    [InlineData("a\0b")]
    [InlineData("caf\u00e9")]
    public void AHeaderValue_ThatIsNotPrintableAscii_LeavesTheRequestToYarp(string value)
    {
        // Values the proxy sets itself (a client certificate's subject, say) are not checked by Kestrel.
        var context = Context();
        context.Request.Headers["ssl-client-subject-dn"] = value;

        Assert.Null(Http1Request.TryCreate(context, trace: null, Propagation));
    }

    [Theory]
    [InlineData("HTTP/2")]
    [InlineData("HTTP/3")]
    public void AnHttp2OrHttp3Client_IsLeftToYarp(string protocol)
    {
        var context = Context();
        context.Request.Protocol = protocol;

        Assert.Null(Http1Request.TryCreate(context, trace: null, Propagation));
    }

    [Theory]
    [InlineData("/a%2Fb", "")]
    [InlineData("/a b", "")]
    [InlineData("/a", "?q=%41")]
    [InlineData("/a", "?q=%zz")]
    [InlineData("/a", "?q=<b>")]
    public void ATargetUriWouldRewrite_IsLeftToYarp(string path, string query)
    {
        var context = Context();
        context.Request.Path = new PathString(path);
        context.Request.QueryString = new QueryString(query);

        Assert.Null(Http1Request.TryCreate(context, trace: null, Propagation));
    }

    [Fact]
    public void AnUnrecordedTrace_ReplacesTheClientsTraceContext()
    {
        var context = Context();
        context.Request.Headers["traceparent"] = "00-11111111111111111111111111111111-2222222222222222-01";
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        using var request = Http1Request.TryCreate(context, activity, Propagation);

        Assert.NotNull(request);
        var text = Encoding.ASCII.GetString(request.Bytes.Span);
        Assert.Contains($"traceparent: {activity.Id}\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("1111111111", text, StringComparison.Ordinal);
    }

    private static DefaultHttpContext Context()
    {
        var context = new DefaultHttpContext();
        context.Features.Set<IHttpRequestBodyDetectionFeature>(new NoBody());
        context.Request.Protocol = "HTTP/1.1";
        context.Request.Method = "GET";
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("app.test");
        context.Request.Path = "/a/b";
        context.Request.QueryString = new QueryString("?x=1");
        context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse("10.1.2.3");
        context.Connection.LocalPort = 8080;
        return context;
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public bool CanHaveBody => false;
    }
}
