using System.Buffers;
using System.Net;
using System.Text;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

public sealed class ProxyProtocolWriterTests
{
    private static string V1(string source, string destination)
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV1Length];
        var written = ProxyProtocolWriter.WriteV1(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), buffer);
        return Encoding.ASCII.GetString(buffer, 0, written);
    }

    private static byte[] V2(string source, string destination)
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV2Length];
        var written = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse(source), IPEndPoint.Parse(destination), buffer);
        return buffer[..written];
    }

    [Fact]
    public void V2_after_tls_carries_the_authority_and_ssl_tlvs()
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV2LengthWithTlvs];
        var written = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse("192.168.0.1:56324"), IPEndPoint.Parse("192.168.0.11:443"), "www.example.com", ProxySsl.Terminated("TLSv1.3"), buffer);
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x11, 0x00, 12 + 18 + 18,
            192, 168, 0, 1, 192, 168, 0, 11, 0xDC, 0x04, 0x01, 0xBB,
            0x02, 0x00, 0x0F, .. "www.example.com"u8, // PP2_TYPE_AUTHORITY: the SNI
            0x20, 0x00, 0x0F, 0x01, 0x00, 0x00, 0x00, 0x01, // PP2_TYPE_SSL: PP2_CLIENT_SSL, no verified client certificate
            0x21, 0x00, 0x07, .. "TLSv1.3"u8, // PP2_SUBTYPE_SSL_VERSION
        ];
        Assert.Equal(expected, buffer[..written]);
    }

    [Fact]
    public void V2_leaves_out_an_authority_too_long_for_a_dns_name()
    {
        var buffer = new byte[ProxyProtocolWriter.MaxV2LengthWithTlvs];
        var written = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse("192.168.0.1:1"), IPEndPoint.Parse("192.168.0.11:443"), new string('a', 256), null, buffer);
        Assert.Equal(16 + 12, written);
        var longest = ProxyProtocolWriter.WriteV2(IPEndPoint.Parse("[2001:db8::1]:1"), IPEndPoint.Parse("[2001:db8::2]:2"), new string('a', 255), new ProxySsl(1, 1, new string('v', 64), new string('c', 64)), buffer);
        Assert.Equal(ProxyProtocolWriter.MaxV2LengthWithTlvs, longest);
    }

    [Fact]
    public void Maximum_lengths_are_the_specs()
    {
        Assert.Equal(107, ProxyProtocolWriter.MaxV1Length);
        Assert.Equal(16 + 36, ProxyProtocolWriter.MaxV2Length);
    }

    [Fact]
    public void V1_tcp4_is_the_spec_example()
    {
        // proxy-protocol.txt §2.1 example line.
        Assert.Equal("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n", V1("192.168.0.1:56324", "192.168.0.11:443"));
    }

    [Fact]
    public void V1_tcp6_uses_compressed_lowercase_hex()
    {
        Assert.Equal("PROXY TCP6 2001:db8::1 2001:db8::11 56324 443\r\n", V1("[2001:DB8::1]:56324", "[2001:db8:0:0:0:0:0:11]:443"));
    }

    [Fact]
    public void V1_longest_tcp6_line_is_104_bytes()
    {
        const string all = "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]:65535";
        var line = V1(all, all);
        Assert.Equal("PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535\r\n", line);
        Assert.Equal(104, line.Length);
    }

    [Fact]
    public void V1_longest_tcp4_line_is_56_bytes()
    {
        var line = V1("255.255.255.255:65535", "255.255.255.255:65535");
        Assert.Equal(56, line.Length);
        Assert.Equal("PROXY TCP4 0.0.0.0 10.0.0.1 0 1\r\n", V1("0.0.0.0:0", "10.0.0.1:1"));
    }

    [Fact]
    public void Mixed_families_map_the_ipv4_side_into_ipv6()
    {
        // 203.0.113.7 = cb00:7107; written all-hex because §2.1 describes v1 IPv6 as hex groups.
        Assert.Equal("PROXY TCP6 ::ffff:cb00:7107 2001:db8::1 5000 443\r\n", V1("203.0.113.7:5000", "[2001:db8::1]:443"));
        Assert.Equal("PROXY TCP6 2001:db8::1 ::ffff:cb00:7107 443 5000\r\n", V1("[2001:db8::1]:443", "203.0.113.7:5000"));
    }

    [Fact]
    public void Ipv4_mapped_ipv6_on_both_sides_is_written_as_tcp4()
    {
        Assert.Equal("PROXY TCP4 10.0.0.1 10.0.0.2 40000 443\r\n", V1("[::ffff:10.0.0.1]:40000", "[::ffff:10.0.0.2]:443"));
        Assert.Equal("PROXY TCP4 10.0.0.1 10.0.0.2 40000 443\r\n", V1("[::ffff:10.0.0.1]:40000", "10.0.0.2:443"));
        Assert.Equal(
            [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x11, 0x00, 0x0C, 10, 0, 0, 1, 10, 0, 0, 2, 0x9C, 0x40, 0x01, 0xBB],
            V2("[::ffff:10.0.0.1]:40000", "[::ffff:10.0.0.2]:443"));
    }

    [Fact]
    public void Scope_ids_are_not_written()
    {
        var source = new IPEndPoint(IPAddress.Parse("fe80::1%2"), 1000);
        var destination = new IPEndPoint(IPAddress.Parse("fe80::2%2"), 2000);
        var buffer = new byte[ProxyProtocolWriter.MaxV1Length];
        var written = ProxyProtocolWriter.WriteV1(source, destination, buffer);
        Assert.Equal("PROXY TCP6 fe80::1 fe80::2 1000 2000\r\n", Encoding.ASCII.GetString(buffer, 0, written));
    }

    [Theory]
    [InlineData("::", "::")]
    [InlineData("::1", "::1")]
    [InlineData("1::", "1::")]
    [InlineData("2001:db8::", "2001:db8::")]
    [InlineData("2001:0db8:0000:0000:0001:0000:0000:0001", "2001:db8::1:0:0:1")] // RFC 5952 §4.2.3: first of equal runs
    [InlineData("2001:db8:0:0:1:0:0:0", "2001:db8:0:0:1::")] // RFC 5952 §4.2.3: longest run
    [InlineData("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1")] // RFC 5952 §4.2.2: one zero group is not compressed
    [InlineData("2001:db8:aaaa:bbbb:cccc:dddd:eeee:1", "2001:db8:aaaa:bbbb:cccc:dddd:eeee:1")]
    [InlineData("0:0:1:0:0:0:1:0", "0:0:1::1:0")]
    public void Ipv6_text_follows_rfc_5952(string address, string expected)
    {
        Assert.Equal($"PROXY TCP6 {expected} {expected} 1 2\r\n", V1($"[{address}]:1", $"[{address}]:2"));
    }

    [Fact]
    public void Ipv6_text_matches_the_runtime_for_random_addresses()
    {
        var random = new Random(5952);
        var bytes = new byte[16];
        for (var i = 0; i < 2000; i++)
        {
            random.NextBytes(bytes);

            // Zero some groups so that compression is exercised.
            for (var g = 0; g < 8; g++)
            {
                if (random.Next(3) == 0)
                {
                    bytes[2 * g] = bytes[(2 * g) + 1] = 0;
                }
            }

            // The runtime prints a few prefixes (::/96, ::ffff:0:0/96, ISATAP) in mixed notation, which v1 does not use.
            var text = new IPAddress(bytes).ToString();
            if (text.Contains('.', StringComparison.Ordinal))
            {
                continue;
            }

            Assert.Equal($"PROXY TCP6 {text} {text} 1 2\r\n", V1($"[{text}]:1", $"[{text}]:2"));
        }
    }

    [Fact]
    public void V2_tcp4_is_the_spec_layout()
    {
        // proxy-protocol.txt §2.2: signature, 0x21 (v2, PROXY), 0x11 (TCP over IPv4), length 12,
        // source, destination, source port, destination port, all big-endian.
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x11, 0x00, 0x0C,
            0xC0, 0xA8, 0x00, 0x01,
            0xC0, 0xA8, 0x00, 0x0B,
            0xDC, 0x04,
            0x01, 0xBB,
        ];
        Assert.Equal(expected, V2("192.168.0.1:56324", "192.168.0.11:443"));
    }

    [Fact]
    public void V2_tcp6_is_the_spec_layout()
    {
        byte[] expected =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A,
            0x21, 0x21, 0x00, 0x24,
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x01,
            0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x11,
            0xDC, 0x04,
            0x01, 0xBB,
        ];
        var written = V2("[2001:db8::1]:56324", "[2001:db8::11]:443");
        Assert.Equal(expected, written);
        Assert.Equal(ProxyProtocolWriter.MaxV2Length, written.Length);
    }

    [Fact]
    public void V2_mixed_families_use_tcp6_with_a_mapped_address()
    {
        var written = V2("203.0.113.7:5000", "[2001:db8::1]:443");
        Assert.Equal(0x21, written[13]);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF, 203, 0, 113, 7 }, written[16..32]);
    }

    [Fact]
    public void A_short_buffer_is_refused_without_writing()
    {
        var source = IPEndPoint.Parse("192.168.0.1:56324");
        var destination = IPEndPoint.Parse("192.168.0.11:443");
        var buffer = new byte[46];
        Assert.Throws<ArgumentException>("destinationBuffer", () => ProxyProtocolWriter.WriteV1(source, destination, buffer));
        Assert.All(buffer, b => Assert.Equal(0, b));
        Assert.Equal(47, ProxyProtocolWriter.WriteV1(source, destination, new byte[47]));
        Assert.Throws<ArgumentException>("destinationBuffer", () => ProxyProtocolWriter.WriteV2(source, destination, new byte[27]));
        Assert.Equal(28, ProxyProtocolWriter.WriteV2(source, destination, new byte[28]));
    }

    [Fact]
    public void Buffer_writer_overloads_advance_by_the_header_length()
    {
        var writer = new ArrayBufferWriter<byte>();
        var source = IPEndPoint.Parse("192.168.0.1:56324");
        var destination = IPEndPoint.Parse("192.168.0.11:443");
        var v1 = ProxyProtocolWriter.WriteV1(source, destination, writer);
        var v2 = ProxyProtocolWriter.WriteV2(source, destination, writer);
        Assert.Equal(47 + 28, writer.WrittenCount);
        Assert.Equal((47, 28), (v1, v2));
        Assert.Equal("PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\n"u8.ToArray(), writer.WrittenSpan[..47].ToArray());
        Assert.Equal(V2("192.168.0.1:56324", "192.168.0.11:443"), writer.WrittenSpan[47..].ToArray());
    }
}
