using System.Buffers;
using System.Net;
using Mesh.Gateway.Protocols;

namespace Mesh.Tests.Protocols;

/// <summary>
/// Garbage, truncated and mutated inputs: every parser answers with a defined verdict and never
/// throws, whatever the bytes and however they are segmented. Randomness is seeded.
/// </summary>
public sealed class ParserRobustnessTests
{
    private static readonly byte[][] Seeds = BuildSeeds();

    private static byte[][] BuildSeeds()
    {
        var source = IPEndPoint.Parse("192.168.0.1:56324");
        var destination = IPEndPoint.Parse("[2001:db8::11]:443");
        var v1 = new byte[ProxyProtocolWriter.MaxV1Length];
        var v2 = new byte[ProxyProtocolWriter.MaxV2Length];
        var hello = ClientHelloBuilder.Message(
            ClientHelloBuilder.ServerName("app.example.com"),
            ClientHelloBuilder.Alpn("h2", "http/1.1"),
            ClientHelloBuilder.SupportedVersions(0x0304, 0x0303));
        return
        [
            v1[..ProxyProtocolWriter.WriteV1(source, destination, v1)],
            v2[..ProxyProtocolWriter.WriteV2(source, destination, v2)],
            "PROXY UNKNOWN\r\n"u8.ToArray(),
            [0x00, 0x00, 0x00, 0x08, 0x04, 0xD2, 0x16, 0x2F],
            [0x00, 0x00, 0x00, 0x10, 0x04, 0xD2, 0x16, 0x2E, 0, 0, 0, 1, 1, 2, 3, 4],
            [0x00, 0x00, 0x00, 0x17, 0x00, 0x03, 0x00, 0x00, .. "user\0alice\0\0"u8, 0x00, 0x00, 0x00],
            TlsRecords.Frame(hello, hello.Length),
            TlsRecords.Frame(hello, 20, hello.Length),
        ];
    }

    private static void AssertNeverThrows(ReadOnlySequence<byte> sequence)
    {
        var proxy = ProxyProtocolReader.TryRead(sequence, out var header, out var consumed);
        Assert.True(Enum.IsDefined(proxy));
        Assert.Equal(proxy == PeekResult.Parsed, header is not null);
        Assert.InRange(consumed, proxy == PeekResult.Parsed ? 1 : 0, proxy == PeekResult.Parsed ? sequence.Length : 0);

        var postgres = PostgresPreamble.Detect(sequence, out var start);
        Assert.True(Enum.IsDefined(postgres));
        Assert.NotEqual(PeekResult.NotMine, postgres);
        Assert.Equal(postgres == PeekResult.Parsed, start.Kind != PostgresStartKind.None);
        Assert.InRange(start.Length, 0, sequence.Length);

        var tls = ClientHelloReader.TryRead(sequence, out var hello);
        Assert.True(Enum.IsDefined(tls));
        Assert.Equal(tls == PeekResult.Parsed, hello is not null);
    }

    private static void AssertNeverThrows(byte[] bytes, Random random)
    {
        AssertNeverThrows(new ReadOnlySequence<byte>(bytes));
        var split = random.Next(bytes.Length + 1);
        AssertNeverThrows(Segments.FromChunks(bytes[..split], bytes[split..]));
    }

    [Fact]
    public void Every_single_byte()
    {
        for (var b = 0; b < 256; b++)
        {
            AssertNeverThrows(new ReadOnlySequence<byte>([(byte)b]));
        }
    }

    [Fact]
    public void Random_bytes()
    {
        var random = new Random(20260101);
        for (var i = 0; i < 5000; i++)
        {
            var bytes = new byte[random.Next(1, 300)];
            random.NextBytes(bytes);

            // Start some with a plausible first byte so that the parsers get past their first check.
            bytes[0] = (i % 4) switch { 0 => 0x16, 1 => 0x0D, 2 => 0x00, _ => bytes[0] };
            AssertNeverThrows(bytes, random);
        }
    }

    [Fact]
    public void Truncated_and_mutated_valid_messages()
    {
        var random = new Random(8446);
        foreach (var seed in Seeds)
        {
            AssertNeverThrows(seed, random);
            foreach (var prefix in Segments.Prefixes(seed))
            {
                AssertNeverThrows(prefix);
            }

            for (var i = 0; i < 2000; i++)
            {
                var bytes = (byte[])seed.Clone();
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    bytes[random.Next(bytes.Length)] = random.Next(3) == 0 ? (byte)0xFF : (byte)random.Next(256);
                }

                AssertNeverThrows(bytes[..random.Next(1, bytes.Length + 1)], random);
            }
        }
    }
}
