using System.Buffers;
using Mesh.Gateway.Protocols;
using static Mesh.Tests.Protocols.ClientHelloBuilder;

namespace Mesh.Tests.Protocols;

public sealed class ClientHelloReaderTests(CapturedClientHellos captured) : IClassFixture<CapturedClientHellos>
{
    private const ushort Tls12 = 0x0303;
    private const ushort Tls13 = 0x0304;

    private static PeekResult Read(byte[] bytes, out ClientHelloInfo? hello) =>
        ClientHelloReader.TryRead(new ReadOnlySequence<byte>(bytes), out hello);

    private static PeekResult Read(byte[] bytes) => Read(bytes, out _);

    /// <summary>Parsed identically from every delivery shape, with a following record left alone; NeedMore from every prefix.</summary>
    private static ClientHelloInfo AssertParsed(byte[] records)
    {
        ClientHelloInfo? hello = null;
        byte[] changeCipherSpec = [0x14, 0x03, 0x03, 0x00, 0x01, 0x01];
        Segments.Replay([.. records, .. changeCipherSpec], sequence =>
        {
            Assert.Equal(PeekResult.Parsed, ClientHelloReader.TryRead(sequence, out var parsed));
            Assert.NotNull(parsed);
            if (hello is not null)
            {
                Assert.Equal(hello.ServerName, parsed.ServerName);
                Assert.Equal(hello.ApplicationProtocols, parsed.ApplicationProtocols);
                Assert.Equal(hello.SupportedVersions, parsed.SupportedVersions);
            }

            hello = parsed;
        });
        foreach (var prefix in Segments.Prefixes(records))
        {
            Assert.Equal(PeekResult.NeedMore, ClientHelloReader.TryRead(prefix, out var none));
            Assert.Null(none);
        }

        return hello!;
    }

    private static void AssertInvalid(byte[] bytes) =>
        Segments.Replay(bytes, sequence =>
        {
            Assert.Equal(PeekResult.Invalid, ClientHelloReader.TryRead(sequence, out var hello));
            Assert.Null(hello);
        });

    [Fact]
    public void Real_client_hello_offering_h2_and_http11()
    {
        var hello = AssertParsed(captured.Web);
        Assert.Equal(CapturedClientHellos.Host, hello.ServerName);
        Assert.Equal(["h2", "http/1.1"], hello.ApplicationProtocols);
        Assert.Contains(Tls13, hello.SupportedVersions);
        Assert.Contains(Tls12, hello.SupportedVersions);
    }

    [Fact]
    public void Real_client_hello_offering_postgresql()
    {
        var hello = AssertParsed(captured.Postgres);
        Assert.Equal(CapturedClientHellos.Host, hello.ServerName);
        Assert.Equal(["postgresql"], hello.ApplicationProtocols);

        // The same bytes on a pg_tls port are PostgreSQL 17 direct TLS.
        Assert.Equal(PeekResult.Parsed, PostgresPreamble.Detect(new ReadOnlySequence<byte>(captured.Postgres), out var start));
        Assert.Equal(PostgresStartKind.DirectTls, start.Kind);
    }

    [Fact]
    public void Real_client_hello_split_into_two_records()
    {
        var handshake = TlsRecords.Handshake(captured.Web);

        // Every cut, including inside the 4-byte handshake header.
        for (var cut = 1; cut < handshake.Length; cut++)
        {
            Assert.Equal(PeekResult.Parsed, Read(TlsRecords.Frame(handshake, cut, handshake.Length), out var hello));
            Assert.Equal(CapturedClientHellos.Host, hello!.ServerName);
            Assert.Equal(["h2", "http/1.1"], hello.ApplicationProtocols);
        }

        foreach (var cut in new[] { 2, handshake.Length / 2 })
        {
            var hello = AssertParsed(TlsRecords.Frame(handshake, cut, handshake.Length));
            Assert.Equal(CapturedClientHellos.Host, hello.ServerName);
            Assert.Equal(["h2", "http/1.1"], hello.ApplicationProtocols);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(100)]
    public void Real_client_hello_in_many_records(int fragment)
    {
        var records = TlsRecords.Frame(TlsRecords.Handshake(captured.Postgres), fragment);
        Assert.Equal(PeekResult.Parsed, Read(records, out var hello));
        Assert.Equal(["postgresql"], hello!.ApplicationProtocols);
        Assert.Equal(PeekResult.Parsed, ClientHelloReader.TryRead(Segments.FromChunks(records.Select(b => new[] { b }).ToArray()), out hello));
        Assert.Equal(CapturedClientHellos.Host, hello!.ServerName);
    }

    [Fact]
    public void Another_record_type_inside_a_fragmented_hello_is_invalid()
    {
        // RFC 8446 §5.1: no other record between the fragments of a handshake message.
        var handshake = TlsRecords.Handshake(captured.Web);
        var first = TlsRecords.Frame(handshake[..10]);
        var rest = TlsRecords.Frame(handshake[10..]);
        byte[] alert = [0x15, 0x03, 0x03, 0x00, 0x02, 0x01, 0x00];
        AssertInvalid([.. first, .. alert, .. rest]);
        AssertInvalid([.. first, 0x16, 0x02, 0x00, 0x00, 0x01, 0x00]);
    }

    [Fact]
    public void Hand_built_hello_with_all_three_extensions()
    {
        var message = Message(
            Extension(0xFF01, [0x00]), // renegotiation_info, ignored
            ServerName("Example.COM"),
            Extension(0x0A0A, []), // GREASE extension (RFC 8701), ignored
            Alpn("h2", "http/1.1", "acme-tls/1"),
            SupportedVersions(0x2A2A, Tls13, Tls12));
        var hello = AssertParsed(TlsRecords.Frame(message, message.Length));
        Assert.Equal("Example.COM", hello.ServerName);
        Assert.Equal(["h2", "http/1.1", "acme-tls/1"], hello.ApplicationProtocols);
        Assert.Equal([0x2A2A, Tls13, Tls12], hello.SupportedVersions);
    }

    [Fact]
    public void Hand_built_hello_without_extensions_or_with_an_empty_block()
    {
        // RFC 5246 §7.4.1.2: the extensions block is optional in TLS 1.2.
        var hello = AssertParsed(TlsRecords.Frame(Message(extensions: null, sessionId: null), 1000));
        Assert.Null(hello.ServerName);
        Assert.Empty(hello.ApplicationProtocols);
        Assert.Empty(hello.SupportedVersions);

        hello = AssertParsed(TlsRecords.Frame(Message([]), 1000));
        Assert.Null(hello.ServerName);
    }

    [Fact]
    public void Alpn_names_are_opaque_bytes()
    {
        // RFC 8701 reserves GREASE ALPN ids like 0x0A0A; they come back one char per byte.
        var hello = AssertParsed(TlsRecords.Frame(Message(Alpn([0x0A, 0x0A], [0xC3, 0xA9]), ServerName("a")), 1000));
        Assert.Equal(["\n\n", "\u00C3\u00A9"], hello.ApplicationProtocols);
    }

    [Fact]
    public void Unknown_server_name_types_are_skipped()
    {
        var hello = AssertParsed(TlsRecords.Frame(Message(ServerNameEntries((7, [1, 2, 3]), (0, "b.example"u8.ToArray()))), 1000));
        Assert.Equal("b.example", hello.ServerName);
    }

    public static TheoryData<string, byte[]> MalformedHellos => new()
    {
        { "session id over 32 bytes", Message([], sessionId: new byte[33]) },
        { "odd cipher suite bytes", Message([], cipherSuites: [0x13, 0x01, 0x13]) },
        { "no cipher suites", Message([], cipherSuites: []) },
        { "no compression methods", Message([], compression: []) },
        { "bytes after the extensions", Message([ServerName("a")], trailer: [0x00]) },
        { "bytes instead of an extensions block", Message(null, trailer: [0x00]) },
        { "extension overruns the block", Patch(Message(Extension(0xFF01, [0x00])), ^2, 0x02) },
        { "two server_name extensions", Message(ServerName("a"), ServerName("b")) },
        { "two ALPN extensions", Message(Alpn("h2"), Alpn("h2")) },
        { "two supported_versions extensions", Message(SupportedVersions(Tls13), SupportedVersions(Tls13)) },
        { "empty server_name list", Message(Extension(0, [0x00, 0x00])) },
        { "empty server_name data", Message(Extension(0, [])) },
        { "server_name list overruns", Message(Extension(0, [0x00, 0x09, 0x00, 0x00, 0x01, (byte)'a'])) },
        { "two host names", Message(ServerNameEntries((0, "a"u8.ToArray()), (0, "b"u8.ToArray()))) },
        { "empty host name", Message(ServerNameEntries((0, []))) },
        { "NUL in host name", Message(ServerNameEntries((0, "a\0b"u8.ToArray()))) },
        { "space in host name", Message(ServerNameEntries((0, "a b"u8.ToArray()))) },
        { "8-bit host name", Message(ServerNameEntries((0, [0x61, 0xE9]))) },
        { "host name over 255 bytes", Message(ServerName(new string('a', 256))) },
        { "empty ALPN list", Message(Extension(16, [0x00, 0x00])) },
        { "empty ALPN name", Message(Alpn([], "h2"u8.ToArray())) },
        { "ALPN name overruns", Message(Extension(16, [0x00, 0x03, 0x05, (byte)'h', (byte)'2'])) },
        { "odd supported_versions", Message(Extension(43, [0x03, 0x03, 0x04, 0x03])) },
        { "empty supported_versions", Message(Extension(43, [0x00])) },
        { "supported_versions overruns", Message(Extension(43, [0x04, 0x03, 0x04])) },
        { "truncated body", [0x01, 0x00, 0x00, 0x10, .. new byte[16]] },
        { "empty body", [0x01, 0x00, 0x00, 0x00] },
        { "server hello first", [0x02, .. Message([])[1..]] },
    };

    [Theory]
    [MemberData(nameof(MalformedHellos))]
    public void Malformed_hellos_are_invalid(string why, byte[] message)
    {
        Assert.False(string.IsNullOrEmpty(why));
        AssertInvalid(TlsRecords.Frame(message, message.Length));
    }

    [Theory]
    [InlineData(new byte[] { 0x47, 0x45, 0x54, 0x20, 0x2F })] // "GET /"
    [InlineData(new byte[] { 0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28 })] // an alert record
    [InlineData(new byte[] { 0x16, 0x02, 0x00 })] // not record major version 3
    [InlineData(new byte[] { 0x16, 0xFE, 0xFD })] // DTLS 1.2
    [InlineData(new byte[] { 0x80, 0x2E, 0x01, 0x03, 0x01 })] // SSLv2-compatible hello
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x08, 0x04, 0xD2, 0x16, 0x2F })] // Postgres SSLRequest
    public void Other_protocols_are_not_mine(byte[] bytes) =>
        Segments.Replay(bytes, sequence => Assert.Equal(PeekResult.NotMine, ClientHelloReader.TryRead(sequence, out _)));

    [Fact]
    public void Short_inputs_need_more()
    {
        Assert.Equal(PeekResult.NeedMore, Read([]));
        Assert.Equal(PeekResult.NeedMore, Read([0x16]));
        Assert.Equal(PeekResult.NeedMore, Read([0x16, 0x03]));
        Assert.Equal(PeekResult.NeedMore, Read([0x16, 0x03, 0x01, 0x00]));
        Assert.Equal(PeekResult.NeedMore, Read([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0x00]));
    }

    [Fact]
    public void Bad_record_lengths_are_invalid()
    {
        AssertInvalid([0x16, 0x03, 0x01, 0x00, 0x00]); // zero-length handshake fragment
        AssertInvalid([0x16, 0x03, 0x01, 0x40, 0x01]); // 2^14 + 1
    }

    [Fact]
    public void A_hello_that_cannot_fit_under_the_cap_is_invalid_as_soon_as_its_length_is_known()
    {
        Assert.Equal(16 * 1024 + 5, ClientHelloReader.MaxBufferedBytes);

        // Declares a 16385-byte handshake message (4 + 16381): more than one record can carry.
        Assert.Equal(PeekResult.Invalid, Read([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3F, 0xFD]));
        Assert.Equal(PeekResult.NeedMore, Read([0x16, 0x03, 0x01, 0x40, 0x00, 0x01, 0x00, 0x3F, 0xFC]));
        Assert.Equal(PeekResult.Invalid, Read([0x16, 0x03, 0x01, 0x00, 0x04, 0x01, 0xFF, 0xFF, 0xFF]));
    }

    [Fact]
    public void The_largest_hello_fits_one_maximal_record_but_not_two_records()
    {
        // Pad with an unknown extension until the message is exactly 2^14 bytes.
        var bare = Message(ServerName("big.example"), Extension(21, []));
        var padded = Message(ServerName("big.example"), Extension(21, new byte[(1 << 14) - bare.Length]));
        Assert.Equal(1 << 14, padded.Length);

        var one = TlsRecords.Frame(padded, padded.Length);
        Assert.Equal(ClientHelloReader.MaxBufferedBytes, one.Length);
        Assert.Equal(PeekResult.Parsed, Read(one, out var hello));
        Assert.Equal("big.example", hello!.ServerName);
        Assert.Equal(PeekResult.Parsed, ClientHelloReader.TryRead(Segments.FromChunks(one[..7000], one[7000..]), out _));

        // The same message in two records needs 5 more bytes than the cap: refused, and never NeedMore at the cap.
        var two = TlsRecords.Frame(padded, 8000, padded.Length);
        Assert.Equal(PeekResult.Invalid, Read(two));
        Assert.Equal(PeekResult.Invalid, Read(two[..ClientHelloReader.MaxBufferedBytes]));
        Assert.Equal(PeekResult.Invalid, Read(two[..8010]));
    }

    private static byte[] Patch(byte[] bytes, Index at, byte value)
    {
        bytes[at] = value;
        return bytes;
    }
}
