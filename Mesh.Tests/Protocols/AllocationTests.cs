using System.Buffers;
using System.Net;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

/// <summary>
/// The writers allocate nothing, and the readers allocate nothing until they return a result:
/// a detector is asked again on every read while a header trickles in.
/// </summary>
public sealed class AllocationTests
{
    private static long Allocated(Action action)
    {
        action(); // JIT and first-use statics
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            action();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>Allocation of <paramref name="peek"/> alone; the verdict is asserted outside the measured loop.</summary>
    private static long Allocated(PeekResult expected, Func<PeekResult> peek)
    {
        var result = PeekResult.Invalid;
        var bytes = Allocated(() => result = peek());
        Assert.Equal(expected, result);
        return bytes;
    }

    [Fact]
    public void Writers_allocate_nothing()
    {
        var source = IPEndPoint.Parse("[::ffff:203.0.113.7]:5000");
        var destination = IPEndPoint.Parse("[2001:db8::1]:443");
        var buffer = new byte[ProxyProtocolWriter.MaxV1Length];
        Assert.Equal(0, Allocated(() => ProxyProtocolWriter.WriteV1(source, destination, buffer)));
        Assert.Equal(0, Allocated(() => ProxyProtocolWriter.WriteV2(source, destination, buffer)));
    }

    [Fact]
    public void Readers_allocate_nothing_while_they_need_more()
    {
        var proxy = Segments.FromChunks("PROXY TCP6 2001:db8::1 "u8.ToArray(), "2001:db8::2 1 2\r"u8.ToArray());
        var hello = TlsRecords.Frame(ClientHelloBuilder.Message(ClientHelloBuilder.ServerName("app.example.com")), 30);
        var partialHello = Segments.FromChunks(hello[..20], hello[20..^1]);
        var startup = Segments.FromChunks([0x00, 0x00], [0x00, 0x20, 0x00, 0x03, 0x00, 0x00, (byte)'u']);

        Assert.Equal(0, Allocated(PeekResult.NeedMore, () => ProxyProtocolReader.TryRead(proxy, out _, out _)));
        Assert.Equal(0, Allocated(PeekResult.NeedMore, () => ClientHelloReader.TryRead(partialHello, out _)));
        Assert.Equal(0, Allocated(PeekResult.NeedMore, () => PostgresPreamble.Detect(startup, out _)));
    }

    [Fact]
    public void Ssl_request_detection_allocates_nothing()
    {
        var sslRequest = new ReadOnlySequence<byte>([0x00, 0x00, 0x00, 0x08, 0x04, 0xD2, 0x16, 0x2F]);
        Assert.Equal(0, Allocated(PeekResult.Parsed, () => PostgresPreamble.Detect(sslRequest, out _)));
    }
}
