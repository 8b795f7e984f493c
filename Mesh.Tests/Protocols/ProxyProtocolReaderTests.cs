using System.Buffers;
using System.Net;
using System.Text;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

public sealed class ProxyProtocolReaderTests
{
    private static readonly byte[] Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private static readonly byte[] Payload = "GET / HTTP/1.1\r\nHost: 192.168.0.11\r\n\r\n"u8.ToArray();

    private static PeekResult Read(ReadOnlySequence<byte> buffer, out ProxyHeader? header, out long consumed) =>
        ProxyProtocolReader.TryRead(buffer, out header, out consumed);

    private static PeekResult Read(byte[] bytes) => Read(new ReadOnlySequence<byte>(bytes), out _, out _);

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private static byte[] V2(byte versionCommand, byte family, params byte[] block) =>
        [.. Signature, versionCommand, family, (byte)(block.Length >> 8), (byte)block.Length, .. block];

    /// <summary>Asserts the header is parsed from every delivery shape, with bytes after it left alone.</summary>
    private static ProxyHeader AssertParsed(byte[] header)
    {
        ProxyHeader? result = null;
        Segments.Replay([.. header, .. Payload], sequence =>
        {
            Assert.Equal(PeekResult.Parsed, Read(sequence, out result, out var consumed));
            Assert.Equal(header.Length, consumed);
        });
        foreach (var prefix in Segments.Prefixes(header))
        {
            Assert.Equal(PeekResult.NeedMore, Read(prefix, out var none, out var nothing));
            Assert.Null(none);
            Assert.Equal(0, nothing);
        }

        return result!;
    }

    private static void AssertInvalid(byte[] bytes) =>
        Segments.Replay(bytes, sequence =>
        {
            Assert.Equal(PeekResult.Invalid, Read(sequence, out var header, out var consumed));
            Assert.Null(header);
            Assert.Equal(0, consumed);
        });

    [Fact]
    public void V1_spec_example()
    {
        var header = AssertParsed(Ascii("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"));
        Assert.Equal(new ProxyHeader(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"), 1), header);
    }

    [Fact]
    public void V1_tcp6()
    {
        var header = AssertParsed(Ascii("PROXY TCP6 2001:DB8::1 ::ffff:10.0.0.1 0 65535\r\n"));
        Assert.Equal(new ProxyHeader(IPEndPoint.Parse("[2001:db8::1]:0"), IPEndPoint.Parse("[::ffff:10.0.0.1]:65535"), 1), header);
    }

    [Fact]
    public void V1_longest_tcp6_line()
    {
        const string all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        var header = AssertParsed(Ascii($"PROXY TCP6 {all} {all} 65535 65535\r\n"));
        Assert.Equal(IPEndPoint.Parse($"[{all}]:65535"), header.Source);
    }

    [Fact]
    public void V1_unknown_short_form_and_worst_case()
    {
        Assert.Equal(new ProxyHeader(null, null, 1), AssertParsed(Ascii("PROXY UNKNOWN\r\n")));

        // §2.1: the 107-byte worst case; the receiver ignores everything after UNKNOWN.
        const string all = "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff";
        var worst = Ascii($"PROXY UNKNOWN {all} {all} 65535 65535\r\n");
        Assert.Equal(107, worst.Length);
        Assert.Equal(new ProxyHeader(null, null, 1), AssertParsed(worst));
        Assert.Equal(new ProxyHeader(null, null, 1), AssertParsed(Ascii("PROXY UNKNOWN whatever\r\n")));
    }

    [Theory]
    [InlineData("PROXY TCP4 192.168.0.01 192.168.0.11 56324 443\r\n")] // leading zero: octal confusion (§2.1)
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 056324 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 65536 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 -1 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.256 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1.5 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY TCP4 ::1 ::1 1 443\r\n")] // family mismatch
    [InlineData("PROXY TCP6 192.168.0.1 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY TCP6 fe80::1%eth0 ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 [::1] ::1 1 443\r\n")]
    [InlineData("PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 443\r\n")]
    [InlineData("PROXY TCP4  192.168.0.1 192.168.0.11 1 443\r\n")] // two spaces
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 1 443 \r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 1\r\n")]
    [InlineData("PROXY TCP4 192.168.0.1 192.168.0.11 1 2 3\r\n")]
    [InlineData("PROXY TCP5 192.168.0.1 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY tcp4 192.168.0.1 192.168.0.11 1 443\r\n")]
    [InlineData("PROXY UNKNOWNX\r\n")]
    [InlineData("PROXY\r\n")]
    [InlineData("PROXYTCP4 1.2.3.4 1.2.3.4 1 2\r\n")]
    [InlineData("PROXY UNKNOWN\n")] // lone LF (§2.1)
    [InlineData("PROXY UNKNOWN\rX\n")] // lone CR
    [InlineData("PROXY TCP4 1.2.3.4\n5.6.7.8 1 2\r\n")]
    public void V1_malformed_lines_are_invalid(string line) => AssertInvalid(Ascii(line));

    [Fact]
    public void V1_without_crlf_in_107_bytes_is_invalid_and_needs_more_before()
    {
        var line = Ascii("PROXY UNKNOWN " + new string('a', 120));
        Assert.Equal(PeekResult.NeedMore, Read(line[..106]));
        AssertInvalid(line[..107]);
        AssertInvalid(line);

        // CRLF must end by byte 107: a CR in the last position cannot be followed by LF in time.
        var late = Ascii("PROXY UNKNOWN " + new string('a', 92) + "\r\n");
        Assert.Equal(108, late.Length);
        AssertInvalid(late);
        Assert.Equal(PeekResult.NeedMore, Read(late[..106]));
    }

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n")]
    [InlineData("PROXZ TCP4")]
    [InlineData("proxy TCP4")]
    [InlineData("\x16\x03\x01\x02\x00")]
    [InlineData("\r\n\r\n\0\r\nQUIZ\n")] // breaks off the v2 signature
    [InlineData("\r\r")]
    [InlineData("SSH-2.0-OpenSSH_9.6\r\n")]
    public void Other_protocols_are_not_mine(string text) =>
        Segments.Replay(Ascii(text), sequence => Assert.Equal(PeekResult.NotMine, Read(sequence, out _, out _)));

    [Fact]
    public void Nothing_yet_needs_more()
    {
        Assert.Equal(PeekResult.NeedMore, Read([]));
        Assert.Equal(PeekResult.NeedMore, Read(Ascii("P")));
        Assert.Equal(PeekResult.NeedMore, Read(Ascii("PROXY")));
        Assert.Equal(PeekResult.NeedMore, Read(Ascii("PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r")));
        Assert.Equal(PeekResult.NeedMore, Read(Signature[..1]));
        Assert.Equal(PeekResult.NeedMore, Read(Signature));
    }

    [Fact]
    public void V2_tcp4_spec_bytes()
    {
        var header = AssertParsed(V2(0x21, 0x11, 0xC0, 0xA8, 0x00, 0x01, 0xC0, 0xA8, 0x00, 0x0B, 0xDC, 0x04, 0x01, 0xBB));
        Assert.Equal(new ProxyHeader(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"), 2), header);
    }

    [Fact]
    public void V2_tcp6_spec_bytes()
    {
        byte[] block =
        [
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01,
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x11,
            0xDC, 0x04, 0x01, 0xBB,
        ];
        var header = AssertParsed(V2(0x21, 0x21, block));
        Assert.Equal(new ProxyHeader(IPEndPoint.Parse("[2001:db8::1]:56324"), IPEndPoint.Parse("[2001:db8::11]:443"), 2), header);
    }

    [Fact]
    public void V2_tlvs_after_the_addresses_are_skipped()
    {
        byte[] addresses = [10, 0, 0, 1, 10, 0, 0, 2, 0x9C, 0x40, 0x01, 0xBB];
        byte[] tlvs =
        [
            0x01, 0x00, 0x02, (byte)'h', (byte)'2', // PP2_TYPE_ALPN
            0x02, 0x00, 0x0B, .. "example.com"u8, // PP2_TYPE_AUTHORITY
            0x04, 0x00, 0x00, // PP2_TYPE_NOOP, empty
            0x20, 0x00, 0x05, 0x01, 0, 0, 0, 0, // PP2_TYPE_SSL: client SSL, verified
        ];
        var header = AssertParsed(V2(0x21, 0x11, [.. addresses, .. tlvs]));
        Assert.Equal(IPEndPoint.Parse("10.0.0.1:40000"), header.Source);
        Assert.Equal(IPEndPoint.Parse("10.0.0.2:443"), header.Destination);

        AssertInvalid(V2(0x21, 0x11, [.. addresses, 0x01, 0x00, 0x03, (byte)'h', (byte)'2'])); // value overruns
        AssertInvalid(V2(0x21, 0x11, [.. addresses, 0x01, 0x00])); // truncated TLV header
    }

    [Fact]
    public void V2_authority_and_ssl_tlvs_are_read()
    {
        byte[] addresses = [10, 0, 0, 1, 10, 0, 0, 2, 0x9C, 0x40, 0x01, 0xBB];
        byte[] tlvs =
        [
            0x02, 0x00, 0x0B, .. "example.com"u8, // PP2_TYPE_AUTHORITY
            0x20, 0x00, 0x0F, 0x01, 0, 0, 0, 1, // PP2_TYPE_SSL: client SSL, not verified, then:
            0x21, 0x00, 0x07, .. "TLSv1.3"u8, // PP2_SUBTYPE_SSL_VERSION
        ];
        var header = AssertParsed(V2(0x21, 0x11, [.. addresses, .. tlvs]));
        Assert.Equal("example.com", header.Authority);
        Assert.Equal(new ProxySsl(0x01, 1, "TLSv1.3"), header.Ssl);
        Assert.True(header.Ssl!.ClientSsl);

        // PP2_TYPE_SSL without PP2_CLIENT_SSL: the sender says the client did not use TLS.
        var plain = AssertParsed(V2(0x21, 0x11, [.. addresses, 0x20, 0x00, 0x05, 0x00, 0, 0, 0, 0]));
        Assert.False(plain.Ssl!.ClientSsl);
        Assert.Null(plain.Authority);
        Assert.Null(AssertParsed(V2(0x21, 0x11, addresses)).Ssl);
    }

    [Fact]
    public void V2_malformed_ssl_tlvs_are_invalid()
    {
        byte[] addresses = [10, 0, 0, 1, 10, 0, 0, 2, 0x9C, 0x40, 0x01, 0xBB];
        AssertInvalid(V2(0x21, 0x11, [.. addresses, 0x20, 0x00, 0x04, 0x01, 0, 0, 0])); // shorter than client + verify
        AssertInvalid(V2(0x21, 0x11, [.. addresses, 0x20, 0x00, 0x08, 0x01, 0, 0, 0, 0, 0x21, 0x00, 0x07])); // sub-TLV value overruns
        AssertInvalid(V2(0x21, 0x11, [.. addresses, 0x20, 0x00, 0x07, 0x01, 0, 0, 0, 0, 0x21, 0x00])); // truncated sub-TLV header
    }

    [Theory]
    [InlineData("192.168.0.1:56324", "192.168.0.11:443")]
    [InlineData("[2001:db8::1]:56324", "[2001:db8::11]:443")]
    public void Writer_tlvs_read_back_from_every_delivery_shape(string source, string destination)
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV2LengthWithTlvs];
        var ssl = ProxySsl.Terminated("TLSv1.2");
        var written = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), "app.example.com", ssl, buffer);
        var header = AssertParsed(buffer[..written]);
        Assert.Equal(Expected(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), 2) with { Authority = "app.example.com", Ssl = ssl }, header);
    }

    [Fact]
    public void V2_local_uses_the_real_endpoints_and_skips_the_block()
    {
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x20, 0x00)));

        // §2.2: receivers must skip len bytes even for LOCAL, whatever they contain.
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x20, 0x11, 10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2)));
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x20, 0x11, 1, 2, 3)));
    }

    [Fact]
    public void V2_families_we_do_not_carry_fall_back_to_the_real_endpoints()
    {
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x21, 0x00))); // UNSPEC
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x21, 0x12, 10, 0, 0, 1, 10, 0, 0, 2, 0, 53, 0, 53))); // UDP over IPv4
        Assert.Equal(new ProxyHeader(null, null, 2), AssertParsed(V2(0x21, 0x31, new byte[216]))); // UNIX stream
    }

    [Fact]
    public void V2_malformed_headers_are_invalid()
    {
        byte[] block = [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2];
        AssertInvalid(V2(0x11, 0x11, block)); // version 1 in a v2 signature
        AssertInvalid(V2(0x31, 0x11, block)); // version 3
        AssertInvalid(V2(0x22, 0x11, block)); // command 2 is unassigned
        AssertInvalid(V2(0x2F, 0x11, block));
        AssertInvalid(V2(0x21, 0x41, block)); // family 4 is unassigned
        AssertInvalid(V2(0x21, 0x13, block)); // transport 3 is unassigned
        AssertInvalid(V2(0x21, 0x11, block[..8])); // too short for TCP over IPv4
        AssertInvalid(V2(0x21, 0x21, block)); // too short for TCP over IPv6

        // The version nibble condemns the header before its length arrives.
        Assert.Equal(PeekResult.Invalid, Read([.. Signature, 0x11]));
    }

    [Fact]
    public void V2_waits_for_the_whole_declared_length()
    {
        var header = V2(0x21, 0x11, [10, 0, 0, 1, 10, 0, 0, 2, 0, 1, 0, 2, 0x04, 0x00, 0x00]);
        Assert.Equal(PeekResult.NeedMore, Read(header[..^1]));
        Assert.Equal(PeekResult.Parsed, Read(header));

        // A declared 65535-byte header is legal; it needs all of it.
        Assert.Equal(PeekResult.NeedMore, Read([.. Signature, 0x21, 0x11, 0xFF, 0xFF, .. new byte[1000]]));
    }

    [Fact]
    public void Writer_output_reads_back()
    {
        var random = new Random(1234);
        for (var i = 0; i < 500; i++)
        {
            var source = RandomEndPoint(random);
            var destination = RandomEndPoint(random);
            var buffer = new byte[ProxyProtocolWriter.MaxV1Length];

            var written = ProxyProtocolWriter.WriteV1(source, destination, buffer);
            Assert.Equal(PeekResult.Parsed, Read(new ReadOnlySequence<byte>(buffer, 0, written), out var v1, out var consumed));
            Assert.Equal(written, consumed);
            Assert.Equal(Expected(source, destination, 1), v1);

            written = ProxyProtocolWriter.WriteV2(source, destination, buffer);
            Assert.Equal(PeekResult.Parsed, Read(new ReadOnlySequence<byte>(buffer, 0, written), out var v2, out consumed));
            Assert.Equal(written, consumed);
            Assert.Equal(Expected(source, destination, 2), v2);
        }
    }

    [Theory]
    [InlineData("192.168.0.1:56324", "192.168.0.11:443")]
    [InlineData("[2001:db8::1]:56324", "[2001:db8::11]:443")]
    [InlineData("203.0.113.7:5000", "[2001:db8::1]:443")]
    public void Writer_output_reads_back_from_every_delivery_shape(string source, string destination)
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV1Length];
        var v1 = buffer[..ProxyProtocolWriter.WriteV1(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), buffer)];
        Assert.Equal(Expected(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), 1), AssertParsed(v1));
        var v2 = buffer[..ProxyProtocolWriter.WriteV2(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), buffer)];
        Assert.Equal(Expected(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), 2), AssertParsed(v2));
    }

    /// <summary>What the reader should report: one family for both ends, IPv4 unless either is real IPv6.</summary>
    private static ProxyHeader Expected(IPEndPoint source, IPEndPoint destination, int version)
    {
        static bool IsV4(IPAddress a) => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork || a.IsIPv4MappedToIPv6;
        var v4 = IsV4(source.Address) && IsV4(destination.Address);
        IPAddress Map(IPAddress a) => v4 ? (a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a) : a.MapToIPv6();
        return new ProxyHeader(new IPEndPoint(Map(source.Address), source.Port), new IPEndPoint(Map(destination.Address), destination.Port), version);
    }

    private static IPEndPoint RandomEndPoint(Random random)
    {
        var bytes = new byte[random.Next(3) == 0 ? 16 : 4];
        random.NextBytes(bytes);
        if (bytes.Length == 16 && random.Next(4) == 0)
        {
            // IPv4-mapped, as a dual-stack socket reports IPv4 peers.
            bytes.AsSpan(0, 10).Clear();
            bytes[10] = bytes[11] = 0xFF;
        }

        return new IPEndPoint(new IPAddress(bytes), random.Next(IPEndPoint.MaxPort + 1));
    }
}
