using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// Writes the PROXY protocol header (HAProxy proxy-protocol.txt) that the proxy_proto handler puts
/// in front of an upstream connection. Both versions carry TCP over IPv4 or IPv6 only.
/// </summary>
/// <remarks>
/// Families are chosen once for the pair: if both endpoints are IPv4, or IPv4-mapped IPv6 as a
/// dual-stack socket reports them (RFC 4291 §2.5.5.2), the header is TCP4; if either is real IPv6,
/// the IPv4 one is mapped and the header is TCP6, since one header has only one family.
/// </remarks>
public static class ProxyProtocolWriter
{
    /// <summary>Longest v1 header, "PROXY UNKNOWN" with two full IPv6 addresses and ports (§2.1).</summary>
    public const int MaxV1Length = ProxyProtocolFormat.MaxV1Length;

    /// <summary>Longest v2 header without TLVs: 16 fixed bytes plus the IPv6 address block (§2.2).</summary>
    public const int MaxV2Length = ProxyProtocolFormat.V2FixedLength + ProxyProtocolFormat.IPv6BlockLength;

    /// <summary>
    /// Longest v2 header this writer produces with TLVs: an authority of up to 255 bytes and an SSL
    /// TLV with version and cipher names of up to 64 bytes each (longer ones are left out).
    /// </summary>
    public const int MaxV2LengthWithTlvs = MaxV2Length
        + ProxyProtocolFormat.TlvHeaderLength + ProxyProtocolFormat.MaxAuthorityLength
        + ProxyProtocolFormat.TlvHeaderLength + ProxyProtocolFormat.SslFixedLength
        + (2 * (ProxyProtocolFormat.TlvHeaderLength + ProxyProtocolFormat.MaxSslNameLength));

    /// <summary>Writes "PROXY TCP4|TCP6 src dst sport dport\r\n" and returns its length.</summary>
    /// <exception cref="ArgumentException">The buffer is too small for this header.</exception>
    public static int WriteV1(IPEndPoint source, IPEndPoint destination, Span<byte> destinationBuffer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);

        Span<byte> sourceAddress = stackalloc byte[16];
        Span<byte> destinationAddress = stackalloc byte[16];
        var addressLength = Normalize(source.Address, destination.Address, sourceAddress, destinationAddress);

        // Built in a scratch buffer of the maximum size so that a short destination fails cleanly.
        Span<byte> line = stackalloc byte[MaxV1Length];
        var written = 0;
        Append(line, ref written, addressLength == 4 ? "PROXY TCP4 "u8 : "PROXY TCP6 "u8);
        written += FormatAddress(sourceAddress[..addressLength], line[written..]);
        line[written++] = (byte)' ';
        written += FormatAddress(destinationAddress[..addressLength], line[written..]);
        line[written++] = (byte)' ';
        written += ProxyAddressText.FormatDecimal(source.Port, line[written..]);
        line[written++] = (byte)' ';
        written += ProxyAddressText.FormatDecimal(destination.Port, line[written..]);
        Append(line, ref written, "\r\n"u8);

        CopyOut(line[..written], destinationBuffer);
        return written;
    }

    /// <summary>Writes the v2 binary header with the PROXY command and returns its length.</summary>
    /// <exception cref="ArgumentException">The buffer is too small for this header.</exception>
    public static int WriteV2(IPEndPoint source, IPEndPoint destination, Span<byte> destinationBuffer) =>
        WriteV2(source, destination, null, null, destinationBuffer);

    /// <summary>
    /// Writes the v2 binary header with the PROXY command, followed by PP2_TYPE_AUTHORITY when
    /// <paramref name="authority"/> is given and PP2_TYPE_SSL when <paramref name="ssl"/> is
    /// (§2.2.2, §2.2.5), and returns its length. An authority or name too long for
    /// <see cref="MaxV2LengthWithTlvs"/> is left out rather than cut.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer is too small for this header.</exception>
    public static int WriteV2(IPEndPoint source, IPEndPoint destination, string? authority, ProxySsl? ssl, Span<byte> destinationBuffer)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);

        Span<byte> sourceAddress = stackalloc byte[16];
        Span<byte> destinationAddress = stackalloc byte[16];
        var addressLength = Normalize(source.Address, destination.Address, sourceAddress, destinationAddress);
        var addressBlock = addressLength == 4 ? ProxyProtocolFormat.IPv4BlockLength : ProxyProtocolFormat.IPv6BlockLength;

        Span<byte> header = stackalloc byte[MaxV2LengthWithTlvs];
        ProxyProtocolFormat.V2Signature.CopyTo(header);
        header[12] = ProxyProtocolFormat.V2Version | ProxyProtocolFormat.CommandProxy;
        header[13] = addressLength == 4 ? ProxyProtocolFormat.TcpOverIPv4 : ProxyProtocolFormat.TcpOverIPv6;

        var block = header[ProxyProtocolFormat.V2FixedLength..];
        sourceAddress[..addressLength].CopyTo(block);
        destinationAddress[..addressLength].CopyTo(block[addressLength..]);
        BinaryPrimitives.WriteUInt16BigEndian(block[(2 * addressLength)..], (ushort)source.Port);
        BinaryPrimitives.WriteUInt16BigEndian(block[((2 * addressLength) + 2)..], (ushort)destination.Port);

        var written = addressBlock;
        if (authority is not null)
        {
            written += WriteTextTlv(ProxyProtocolFormat.TypeAuthority, authority, Encoding.UTF8, ProxyProtocolFormat.MaxAuthorityLength, block[written..]);
        }
        if (ssl is not null)
        {
            written += WriteSsl(ssl, block[written..]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(header[14..], (ushort)written);
        var length = ProxyProtocolFormat.V2FixedLength + written;
        CopyOut(header[..length], destinationBuffer);
        return length;
    }

    /// <summary>PP2_TYPE_SSL: client, verify, then the version and cipher sub-TLVs that are known.</summary>
    private static int WriteSsl(ProxySsl ssl, Span<byte> destination)
    {
        var value = destination[ProxyProtocolFormat.TlvHeaderLength..];
        value[0] = ssl.Client;
        BinaryPrimitives.WriteUInt32BigEndian(value[1..], ssl.Verify);
        var length = ProxyProtocolFormat.SslFixedLength;
        if (ssl.Version is not null)
        {
            length += WriteTextTlv(ProxyProtocolFormat.SubtypeSslVersion, ssl.Version, Encoding.ASCII, ProxyProtocolFormat.MaxSslNameLength, value[length..]);
        }
        if (ssl.Cipher is not null)
        {
            length += WriteTextTlv(ProxyProtocolFormat.SubtypeSslCipher, ssl.Cipher, Encoding.ASCII, ProxyProtocolFormat.MaxSslNameLength, value[length..]);
        }
        destination[0] = ProxyProtocolFormat.TypeSsl;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
        return ProxyProtocolFormat.TlvHeaderLength + length;
    }

    /// <summary>One TLV holding <paramref name="text"/>; nothing when it is empty or longer than <paramref name="maxLength"/> bytes.</summary>
    private static int WriteTextTlv(byte type, string text, Encoding encoding, int maxLength, Span<byte> destination)
    {
        var length = encoding.GetByteCount(text);
        if (length == 0 || length > maxLength)
        {
            return 0;
        }

        destination[0] = type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[1..], (ushort)length);
        encoding.GetBytes(text, destination[ProxyProtocolFormat.TlvHeaderLength..]);
        return ProxyProtocolFormat.TlvHeaderLength + length;
    }

    /// <summary>Writes a v1 header into <paramref name="writer"/> and advances it.</summary>
    public static int WriteV1(IPEndPoint source, IPEndPoint destination, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var written = WriteV1(source, destination, writer.GetSpan(MaxV1Length));
        writer.Advance(written);
        return written;
    }

    /// <summary>Writes a v2 header into <paramref name="writer"/> and advances it.</summary>
    public static int WriteV2(IPEndPoint source, IPEndPoint destination, IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var written = WriteV2(source, destination, writer.GetSpan(MaxV2Length));
        writer.Advance(written);
        return written;
    }

    /// <summary>Fills both address buffers in one family and returns its address length (4 or 16).</summary>
    private static int Normalize(IPAddress source, IPAddress destination, Span<byte> sourceBytes, Span<byte> destinationBytes)
    {
        var sourceLength = WriteBytes(source, sourceBytes);
        var destinationLength = WriteBytes(destination, destinationBytes);
        if (sourceLength == 4 && destinationLength == 4)
        {
            return 4;
        }

        MapToIPv6(sourceBytes, sourceLength);
        MapToIPv6(destinationBytes, destinationLength);
        return 16;
    }

    /// <summary>Writes IPv4 and IPv4-mapped IPv6 as 4 bytes, other IPv6 as 16; the scope id is not part of the header.</summary>
    private static int WriteBytes(IPAddress address, Span<byte> bytes)
    {
        switch (address.AddressFamily)
        {
            case AddressFamily.InterNetwork:
                address.TryWriteBytes(bytes, out _);
                return 4;
            case AddressFamily.InterNetworkV6:
                address.TryWriteBytes(bytes, out _);
                if (!address.IsIPv4MappedToIPv6)
                {
                    return 16;
                }

                bytes[12..16].CopyTo(bytes);
                return 4;
            default:
                throw new ArgumentException($"PROXY protocol carries IPv4 or IPv6 only, not {address.AddressFamily}.", nameof(address));
        }
    }

    /// <summary>RFC 4291 §2.5.5.2: ::ffff:a.b.c.d.</summary>
    private static void MapToIPv6(Span<byte> bytes, int length)
    {
        if (length == 16)
        {
            return;
        }

        bytes[..4].CopyTo(bytes[12..]);
        bytes[..10].Clear();
        bytes[10] = 0xFF;
        bytes[11] = 0xFF;
    }

    private static int FormatAddress(ReadOnlySpan<byte> address, Span<byte> destination) =>
        address.Length == 4 ? ProxyAddressText.FormatIPv4(address, destination) : ProxyAddressText.FormatIPv6(address, destination);

    private static void Append(Span<byte> line, ref int written, ReadOnlySpan<byte> text)
    {
        text.CopyTo(line[written..]);
        written += text.Length;
    }

    private static void CopyOut(ReadOnlySpan<byte> header, Span<byte> destinationBuffer)
    {
        if (!header.TryCopyTo(destinationBuffer))
        {
            throw new ArgumentException($"The buffer needs {header.Length} bytes for this header.", nameof(destinationBuffer));
        }
    }
}
