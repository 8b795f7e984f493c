using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// Peeks a PROXY protocol v1 or v2 header (HAProxy proxy-protocol.txt) at the start of a connection
/// accepted from a trusted load balancer. Pure: it never consumes; the caller advances by
/// <c>consumed</c> once the result is <see cref="PeekResult.Parsed"/>.
/// </summary>
public static class ProxyProtocolReader
{
    /// <summary>Looks for a complete header at the start of <paramref name="buffer"/>.</summary>
    /// <param name="buffer">Bytes received so far on the connection.</param>
    /// <param name="header">The header when <see cref="PeekResult.Parsed"/>, else null.</param>
    /// <param name="consumed">Header length when <see cref="PeekResult.Parsed"/>, else 0.</param>
    /// <returns>
    /// <see cref="PeekResult.NeedMore"/> while the bytes are a prefix of a possible header,
    /// <see cref="PeekResult.NotMine"/> when they cannot start one (neither "PROXY" nor the v2 signature),
    /// <see cref="PeekResult.Invalid"/> when they start one that is malformed (§2.1: abort the connection).
    /// </returns>
    public static PeekResult TryRead(in ReadOnlySequence<byte> buffer, out ProxyHeader? header, out long consumed)
    {
        header = null;
        consumed = 0;
        if (buffer.IsEmpty)
        {
            return PeekResult.NeedMore;
        }

        // v1 starts with "PROXY", v2 with CR LF: the first byte decides which signature to match (§2.2, detection).
        Span<byte> start = stackalloc byte[ProxyProtocolFormat.V2FixedLength];
        var available = (int)Math.Min(buffer.Length, start.Length);
        buffer.Slice(0, available).CopyTo(start);
        start = start[..available];

        if (AgreesWith(ProxyProtocolFormat.V2Signature, start))
        {
            return ReadV2(buffer, start, ref header, ref consumed);
        }

        if (AgreesWith(ProxyProtocolFormat.V1Prefix, start))
        {
            return ReadV1(buffer, ref header, ref consumed);
        }

        return PeekResult.NotMine;
    }

    /// <summary>True when the bytes so far match <paramref name="signature"/> as far as either goes.</summary>
    private static bool AgreesWith(ReadOnlySpan<byte> signature, ReadOnlySpan<byte> start)
    {
        var length = Math.Min(signature.Length, start.Length);
        return signature[..length].SequenceEqual(start[..length]);
    }

    private static PeekResult ReadV1(in ReadOnlySequence<byte> buffer, ref ProxyHeader? header, ref long consumed)
    {
        // §2.1: the whole line, CRLF included, fits in 107 bytes; look no further.
        Span<byte> line = stackalloc byte[ProxyProtocolFormat.MaxV1Length];
        var available = (int)Math.Min(buffer.Length, line.Length);
        buffer.Slice(0, available).CopyTo(line);
        line = line[..available];

        var end = line.IndexOfAny((byte)'\r', (byte)'\n');
        if (end < 0)
        {
            return available == ProxyProtocolFormat.MaxV1Length ? PeekResult.Invalid : PeekResult.NeedMore;
        }

        // §2.1: a lone CR or LF must not end the line.
        if (line[end] == (byte)'\n')
        {
            return PeekResult.Invalid;
        }

        if (end + 1 == available)
        {
            return available == ProxyProtocolFormat.MaxV1Length ? PeekResult.Invalid : PeekResult.NeedMore;
        }

        if (line[end + 1] != (byte)'\n')
        {
            return PeekResult.Invalid;
        }

        var parsed = ParseV1Line(line[..end]);
        if (parsed is null)
        {
            return PeekResult.Invalid;
        }

        header = parsed;
        consumed = end + 2;
        return PeekResult.Parsed;
    }

    /// <summary>Parses "PROXY SP proto [SP src SP dst SP sport SP dport]" without its CRLF; null if malformed.</summary>
    private static ProxyHeader? ParseV1Line(ReadOnlySpan<byte> line)
    {
        if (!line.StartsWith("PROXY "u8))
        {
            return null;
        }

        var rest = line[6..];

        // §2.1: after UNKNOWN the sender may omit the rest and the receiver must ignore whatever is there.
        if (rest.StartsWith("UNKNOWN"u8) && (rest.Length == 7 || rest[7] == (byte)' '))
        {
            return new ProxyHeader(null, null, 1);
        }

        bool ipv6;
        if (rest.StartsWith("TCP4 "u8))
        {
            ipv6 = false;
        }
        else if (rest.StartsWith("TCP6 "u8))
        {
            ipv6 = true;
        }
        else
        {
            return null;
        }

        rest = rest[5..];

        // Exactly four fields separated by exactly one space: a doubled space makes an empty field,
        // which no parser below accepts.
        var sourceText = NextField(ref rest);
        var destinationText = NextField(ref rest);
        var sourcePortText = NextField(ref rest);
        var destinationPortText = rest;
        var source = ParseAddress(sourceText, ipv6);
        var destination = ParseAddress(destinationText, ipv6);
        if (source is null
            || destination is null
            || !ProxyAddressText.TryParseDecimal(sourcePortText, IPEndPoint.MaxPort, out var sourcePort)
            || !ProxyAddressText.TryParseDecimal(destinationPortText, IPEndPoint.MaxPort, out var destinationPort))
        {
            return null;
        }

        return new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 1);
    }

    /// <summary>The text up to the next space, leaving <paramref name="rest"/> after it; empty if there is no space.</summary>
    private static ReadOnlySpan<byte> NextField(ref ReadOnlySpan<byte> rest)
    {
        var space = rest.IndexOf((byte)' ');
        if (space < 0)
        {
            rest = [];
            return [];
        }

        var field = rest[..space];
        rest = rest[(space + 1)..];
        return field;
    }

    private static IPAddress? ParseAddress(ReadOnlySpan<byte> text, bool ipv6)
    {
        if (ipv6)
        {
            return ProxyAddressText.ParseIPv6(text);
        }

        Span<byte> bytes = stackalloc byte[4];
        return ProxyAddressText.TryParseIPv4(text, bytes) ? new IPAddress(bytes) : null;
    }

    private static PeekResult ReadV2(in ReadOnlySequence<byte> buffer, ReadOnlySpan<byte> start, ref ProxyHeader? header, ref long consumed)
    {
        if (start.Length < ProxyProtocolFormat.V2FixedLength)
        {
            // The version nibble can fail before the length arrives.
            return start.Length > 12 && (start[12] & 0xF0) != ProxyProtocolFormat.V2Version ? PeekResult.Invalid : PeekResult.NeedMore;
        }

        var versionCommand = start[12];
        var family = start[13];
        var blockLength = BinaryPrimitives.ReadUInt16BigEndian(start[14..]);

        // §2.2: the receiver must accept version 2 only and drop unassigned commands, families and transports.
        var command = versionCommand & 0x0F;
        if ((versionCommand & 0xF0) != ProxyProtocolFormat.V2Version
            || command is not (ProxyProtocolFormat.CommandLocal or ProxyProtocolFormat.CommandProxy)
            || family >> 4 > ProxyProtocolFormat.MaxFamily
            || (family & 0x0F) > ProxyProtocolFormat.MaxTransport)
        {
            return PeekResult.Invalid;
        }

        var addressLength = command == ProxyProtocolFormat.CommandProxy
            ? family switch
            {
                ProxyProtocolFormat.TcpOverIPv4 => 4,
                ProxyProtocolFormat.TcpOverIPv6 => 16,
                _ => 0,
            }
            : 0;
        var addressBlock = addressLength == 4 ? ProxyProtocolFormat.IPv4BlockLength
            : addressLength == 16 ? ProxyProtocolFormat.IPv6BlockLength
            : 0;
        if (blockLength < addressBlock)
        {
            return PeekResult.Invalid;
        }

        // §2.2: the header is always exactly 16 + len bytes, and must be whole before it is parsed.
        var total = ProxyProtocolFormat.V2FixedLength + blockLength;
        if (buffer.Length < total)
        {
            return PeekResult.NeedMore;
        }

        ProxyHeader result;
        if (addressLength == 0)
        {
            // LOCAL, or a family/transport we do not carry (UNSPEC, UDP, UNIX): the receiver falls
            // back to the real endpoints and skips the block (§2.2), as HAProxy does.
            result = new ProxyHeader(null, null, 2);
        }
        else
        {
            Span<byte> block = stackalloc byte[ProxyProtocolFormat.IPv6BlockLength];
            block = block[..addressBlock];
            buffer.Slice(ProxyProtocolFormat.V2FixedLength, addressBlock).CopyTo(block);
            var source = new IPAddress(block[..addressLength]);
            var destination = new IPAddress(block.Slice(addressLength, addressLength));
            int sourcePort = BinaryPrimitives.ReadUInt16BigEndian(block[(2 * addressLength)..]);
            int destinationPort = BinaryPrimitives.ReadUInt16BigEndian(block[((2 * addressLength) + 2)..]);

            // The TLVs after the address block must tile the rest of the header exactly; the
            // authority and SSL ones are kept, the others skipped.
            if (!TryReadTlvs(buffer.Slice(ProxyProtocolFormat.V2FixedLength + addressBlock, blockLength - addressBlock), out var authority, out var ssl))
            {
                return PeekResult.Invalid;
            }

            result = new ProxyHeader(new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort), 2, authority, ssl);
        }

        header = result;
        consumed = total;
        return PeekResult.Parsed;
    }

    private static bool TryReadTlvs(ReadOnlySequence<byte> tlvs, out string? authority, out ProxySsl? ssl)
    {
        authority = null;
        ssl = null;
        var reader = new SequenceReader<byte>(tlvs);
        while (!reader.End)
        {
            if (!TryReadTlv(ref reader, out var type, out var value))
            {
                return false;
            }

            if (type == ProxyProtocolFormat.TypeAuthority)
            {
                authority = Encoding.UTF8.GetString(value);
            }
            else if (type == ProxyProtocolFormat.TypeSsl)
            {
                if (!TryReadSsl(value, out ssl))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>§2.2.5: client, verify, then sub-TLVs that tile the rest of the value exactly.</summary>
    private static bool TryReadSsl(ReadOnlySequence<byte> value, out ProxySsl? ssl)
    {
        ssl = null;
        var reader = new SequenceReader<byte>(value);
        if (!reader.TryRead(out var client) || !reader.TryReadBigEndian(out int verify))
        {
            return false;
        }

        string? version = null;
        string? cipher = null;
        while (!reader.End)
        {
            if (!TryReadTlv(ref reader, out var type, out var sub))
            {
                return false;
            }

            if (type == ProxyProtocolFormat.SubtypeSslVersion) version = Encoding.ASCII.GetString(sub);
            else if (type == ProxyProtocolFormat.SubtypeSslCipher) cipher = Encoding.ASCII.GetString(sub);
        }

        ssl = new ProxySsl(client, (uint)verify, version, cipher);
        return true;
    }

    private static bool TryReadTlv(ref SequenceReader<byte> reader, out byte type, out ReadOnlySequence<byte> value)
    {
        value = default;
        if (!reader.TryRead(out type) || !reader.TryReadBigEndian(out short signedLength))
        {
            return false;
        }

        var length = (ushort)signedLength;
        if (reader.Remaining < length)
        {
            return false;
        }

        value = reader.UnreadSequence.Slice(0, length);
        reader.Advance(length);
        return true;
    }
}
