using System.Text;
using IngressFleet.DataPlane.FastPath;

namespace IngressFleet.Tests.DataPlane.FastPath;

public sealed class Http1ResponseHeadTests
{
    [Fact]
    public void AHeadWithALength_IsFramedByIt_AndKeepsTheConnection()
    {
        var head = Read("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");

        Assert.Equal(200, head.Status);
        Assert.Equal(Http1Framing.Length, head.Framing);
        Assert.Equal(5, head.ContentLength);
        Assert.True(head.KeepAlive);
        Assert.Equal("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n".Length, head.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("HTTP/1.1 200 OK\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r")]
    public void AnIncompleteHead_AsksForMore(string data) =>
        Assert.False(Http1ResponseHead.TryRead(Encoding.Latin1.GetBytes(data), requestWasHead: false, out _));

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n", "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "Chunked", true)]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", "UntilClose", false)]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n", "UntilClose", false)]
    [InlineData("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n", "None", true)]
    [InlineData("HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n", "None", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\n", "Length", false)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 5\r\n\r\n", "Length", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n", "Length", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 5\r\n\r\n", "Length", true)]
    [InlineData("HTTP/1.1 200 OK\nContent-Length: 5\n\n", "Length", true)]
    [InlineData("HTTP/1.1 200\r\nContent-Length: 5\r\n\r\n", "Length", true)]
    public void TheBodyIsFramed_AsRfc9112Says(string data, string framing, bool keepAlive)
    {
        var head = Read(data);

        Assert.Equal(framing, head.Framing.ToString());
        Assert.Equal(keepAlive, head.KeepAlive);
    }

    [Fact]
    public void AHeadRequestsResponse_HasNoBody_WhateverItsLength() =>
        Assert.Equal(Http1Framing.None, Read("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n", requestWasHead: true).Framing);

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 0x10\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\r\n continued\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nNo colon\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\r2\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nX-A: 1\u00002\r\n\r\n")]
    [InlineData("HTTP/1.1 2x0 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 099 Low\r\n\r\n")]
    [InlineData("HTTP/2.0 200 OK\r\n\r\n")]
    [InlineData("HTTP/1.1 200OK\r\n\r\n")]
    [InlineData("ICY 200 OK\r\n\r\n")]
    public void AMalformedOrAmbiguousHead_IsRefused(string data) =>
        Assert.Throws<InvalidDataException>(() => Http1ResponseHead.TryRead(Encoding.Latin1.GetBytes(data), requestWasHead: false, out _));

    private static Http1ResponseHead Read(string data, bool requestWasHead = false)
    {
        Assert.True(Http1ResponseHead.TryRead(Encoding.Latin1.GetBytes(data), requestWasHead, out var head));
        return head;
    }
}
