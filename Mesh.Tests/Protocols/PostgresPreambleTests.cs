using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

public sealed class PostgresPreambleTests
{
    /// <summary>SSLRequest exactly as libpq sends it: length 8, code 1234/5679.</summary>
    private static readonly byte[] SslRequest = [0x00, 0x00, 0x00, 0x08, 0x04, 0xD2, 0x16, 0x2F];

    private static readonly byte[] GssEncRequest = [0x00, 0x00, 0x00, 0x08, 0x04, 0xD2, 0x16, 0x30];

    private static PeekResult Detect(byte[] bytes, out PostgresStart start) =>
        PostgresPreamble.Detect(new ReadOnlySequence<byte>(bytes), out start);

    private static byte[] Int32(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static byte[] CancelRequest(int processId, byte[] key) =>
        [.. Int32(12 + key.Length), .. Int32(80877102), .. Int32(processId), .. key];

    /// <summary>A StartupMessage: length, protocol version, then NUL-terminated name/value pairs and a final NUL.</summary>
    private static byte[] Startup(int version, params string[] pairs)
    {
        var body = Encoding.UTF8.GetBytes(string.Concat(pairs.Select(p => p + "\0")) + "\0");
        return [.. Int32(8 + body.Length), .. Int32(version), .. body];
    }

    /// <summary>Detected the same from every delivery shape, and NeedMore from every prefix.</summary>
    private static PostgresStart AssertParsed(byte[] message, PostgresStartKind kind)
    {
        var start = default(PostgresStart);
        Segments.Replay([.. message, 0x51, 0x00], sequence =>
        {
            Assert.Equal(PeekResult.Parsed, PostgresPreamble.Detect(sequence, out start));
            Assert.Equal(kind, start.Kind);
        });
        foreach (var prefix in Segments.Prefixes(kind == PostgresStartKind.DirectTls ? message[..1] : message))
        {
            Assert.Equal(PeekResult.NeedMore, PostgresPreamble.Detect(prefix, out var none));
            Assert.Equal(default, none);
        }

        return start;
    }

    private static void AssertInvalid(byte[] bytes) =>
        Segments.Replay(bytes, sequence =>
        {
            Assert.Equal(PeekResult.Invalid, PostgresPreamble.Detect(sequence, out var start));
            Assert.Equal(default, start);
        });

    [Fact]
    public void Ssl_request()
    {
        Assert.Equal(80877103, (1234 << 16) | 5679);
        Assert.Equal(new PostgresStart(PostgresStartKind.SslRequest, 8, 0, null), AssertParsed(SslRequest, PostgresStartKind.SslRequest));
    }

    [Fact]
    public void Gss_encryption_request()
    {
        Assert.Equal(new PostgresStart(PostgresStartKind.GssEncRequest, 8, 0, null), AssertParsed(GssEncRequest, PostgresStartKind.GssEncRequest));
    }

    [Fact]
    public void Cancel_request_with_a_classic_four_byte_key()
    {
        var message = CancelRequest(0x01020304, [0xDE, 0xAD, 0xBE, 0xEF]);
        Assert.Equal(16, message.Length);
        var start = AssertParsed(message, PostgresStartKind.CancelRequest);
        Assert.Equal(16, start.Length);
        Assert.Equal(0x01020304, start.ProcessId);
        Assert.Equal(new byte[] { 0xDE, 0xAD, 0xBE, 0xEF }, start.SecretKey);
    }

    [Fact]
    public void Cancel_request_with_a_protocol_3_2_long_key()
    {
        // PostgreSQL 18 servers hand out 32-byte keys under protocol 3.2; up to 256 bytes are allowed.
        var key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        var start = AssertParsed(CancelRequest(4242, key), PostgresStartKind.CancelRequest);
        Assert.Equal((44, 4242), (start.Length, start.ProcessId));
        Assert.Equal(key, start.SecretKey);

        var longest = Enumerable.Repeat((byte)0xAB, 256).ToArray();
        Assert.Equal(PeekResult.Parsed, Detect(CancelRequest(7, longest), out start));
        Assert.Equal(268, start.Length);
        Assert.Equal(longest, start.SecretKey);
    }

    [Fact]
    public void Cancel_request_key_lengths_outside_4_to_256_are_invalid()
    {
        AssertInvalid(CancelRequest(7, [1, 2, 3]));
        AssertInvalid(CancelRequest(7, new byte[257]));
        AssertInvalid(CancelRequest(7, []));
    }

    [Theory]
    [InlineData(196608)] // 3.0
    [InlineData(196610)] // 3.2, PostgreSQL 18
    [InlineData(196639)] // a future 3.x: the server negotiates it down rather than refusing it
    public void Startup_message(int version)
    {
        var message = Startup(version, "user", "alice", "database", "app", "application_name", "psql");
        var start = AssertParsed(message, PostgresStartKind.Startup);
        Assert.Equal(new PostgresStart(PostgresStartKind.Startup, message.Length, 0, null), start);
    }

    [Fact]
    public void Direct_tls_owns_no_bytes()
    {
        // PostgreSQL 17 sslnegotiation=direct: the first byte is a TLS handshake record.
        var start = AssertParsed([0x16, 0x03, 0x01, 0x02, 0x00, 0x01], PostgresStartKind.DirectTls);
        Assert.Equal(new PostgresStart(PostgresStartKind.DirectTls, 0, 0, null), start);
    }

    [Fact]
    public void Partial_messages_need_more()
    {
        Assert.Equal(PeekResult.NeedMore, Detect([], out _));
        Assert.Equal(PeekResult.NeedMore, Detect([0x00, 0x00, 0x00], out _));
        Assert.Equal(PeekResult.NeedMore, Detect(SslRequest[..6], out _));
        var startup = Startup(196608, "user", "alice");
        Assert.Equal(PeekResult.NeedMore, Detect(startup[..^1], out _));
    }

    [Fact]
    public void Garbage_is_invalid()
    {
        AssertInvalid("GET / HTTP/1.1\r\nHost: db\r\n\r\n"u8.ToArray());
        AssertInvalid([0x01]);
        AssertInvalid([0x00, 0x01]);
        AssertInvalid([0x00, 0x00, 0x00, 0x07, 0x04, 0xD2, 0x16, 0x2F]); // shorter than length + code
        AssertInvalid([.. Int32(10001), .. Int32(196608)]); // past MAX_STARTUP_PACKET_LENGTH
        AssertInvalid([.. Int32(16), .. Int32(80877103), .. new byte[8]]); // SSLRequest is exactly 8 bytes
        AssertInvalid([.. Int32(12), .. Int32(80877104), .. new byte[4]]);
        AssertInvalid([.. Int32(8), .. Int32(196608)]); // a StartupMessage needs its terminator
        AssertInvalid(Startup(196608, "user", "alice")[..^1].Concat(new byte[] { (byte)'x' }).ToArray()); // last byte not NUL
        AssertInvalid(Startup(131072, "user", "alice")); // protocol 2.0, removed in PostgreSQL 14
        AssertInvalid([.. Int32(8), .. Int32((1234 << 16) | 5681)]); // unknown request code
        AssertInvalid([0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
    }
}
