using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Gateway.Protocols;

/// <summary>
/// The textual address and port forms of PROXY protocol v1 (proxy-protocol.txt §2.1), written and
/// read without allocating: the header is produced and parsed once per connection.
/// </summary>
internal static class ProxyAddressText
{
    /// <summary>"255.255.255.255".</summary>
    public const int MaxIPv4Length = 15;

    /// <summary>
    /// Longest IPv6 text a v1 receiver can be shown: the mixed form
    /// "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255" (RFC 4291 §2.2 form 3).
    /// </summary>
    public const int MaxIPv6Length = 45;

    /// <summary>"65535".</summary>
    public const int MaxPortLength = 5;

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    /// <summary>Dotted quad without leading zeros (§2.1 forbids them: they read as octal).</summary>
    public static int FormatIPv4(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        var written = 0;
        for (var i = 0; i < 4; i++)
        {
            if (i > 0)
            {
                destination[written++] = (byte)'.';
            }

            written += FormatDecimal(address[i], destination[written..]);
        }

        return written;
    }

    /// <summary>
    /// RFC 5952 §4 text: lowercase hex, no leading zeros, the longest run of two or more zero groups
    /// (the first on a tie) replaced by "::". Always all-hex, never the mixed "::ffff:a.b.c.d" form,
    /// because §2.1 describes v1 IPv6 addresses as colon-separated hex groups only.
    /// </summary>
    public static int FormatIPv6(ReadOnlySpan<byte> address, Span<byte> destination)
    {
        Span<ushort> groups = stackalloc ushort[8];
        for (var i = 0; i < 8; i++)
        {
            groups[i] = BinaryPrimitives.ReadUInt16BigEndian(address[(i * 2)..]);
        }

        // RFC 5952 §4.2.2/§4.2.3: compress only a run of at least two zero groups, the longest, the first on a tie.
        int bestStart = -1, bestLength = 1;
        for (var i = 0; i < 8;)
        {
            if (groups[i] != 0)
            {
                i++;
                continue;
            }

            var start = i;
            while (i < 8 && groups[i] == 0)
            {
                i++;
            }

            if (i - start > bestLength)
            {
                bestStart = start;
                bestLength = i - start;
            }
        }

        var written = 0;
        for (var i = 0; i < 8; i++)
        {
            if (i == bestStart)
            {
                destination[written++] = (byte)':';
                destination[written++] = (byte)':';
                i += bestLength - 1;
                continue;
            }

            if (i > 0 && i != bestStart + bestLength)
            {
                destination[written++] = (byte)':';
            }

            written += FormatHex(groups[i], destination[written..]);
        }

        return written;
    }

    public static int FormatDecimal(int value, Span<byte> destination)
    {
        var success = ((uint)value).TryFormat(destination, out var written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return success ? written : throw new ArgumentException("Destination too small.", nameof(destination));
    }

    /// <summary>Strict dotted quad: exactly four decimal numbers 0..255, no leading zeros (§2.1).</summary>
    public static bool TryParseIPv4(ReadOnlySpan<byte> text, Span<byte> address)
    {
        for (var part = 0; part < 4; part++)
        {
            var end = part < 3 ? text.IndexOf((byte)'.') : text.Length;
            if (end < 0 || !TryParseDecimal(text[..end], 255, out var value))
            {
                return false;
            }

            address[part] = (byte)value;
            text = part < 3 ? text[(end + 1)..] : [];
        }

        return true;
    }

    /// <summary>
    /// Hex groups with at most one "::" (§2.1). The embedded dotted-quad tail that inet_pton also
    /// accepts is tolerated, as HAProxy and nginx do; zone ids ("%eth0") and brackets are not.
    /// </summary>
    public static IPAddress? ParseIPv6(ReadOnlySpan<byte> text)
    {
        if (text.Length is < 2 or > MaxIPv6Length)
        {
            return null;
        }

        Span<char> chars = stackalloc char[MaxIPv6Length];
        for (var i = 0; i < text.Length; i++)
        {
            var c = (char)text[i];
            if (!char.IsAsciiHexDigit(c) && c != ':' && c != '.')
            {
                return null;
            }

            chars[i] = c;
        }

        return IPAddress.TryParse(chars[..text.Length], out var address) && address.AddressFamily == AddressFamily.InterNetworkV6
            ? address
            : null;
    }

    /// <summary>A decimal 0..<paramref name="max"/> without sign or leading zeros (§2.1).</summary>
    public static bool TryParseDecimal(ReadOnlySpan<byte> text, int max, out int value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > MaxPortLength || (text[0] == (byte)'0' && text.Length > 1))
        {
            return false;
        }

        foreach (var b in text)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }

            value = (value * 10) + (b - '0');
        }

        return value <= max;
    }

    private static int FormatHex(ushort value, Span<byte> destination)
    {
        var digits = value >= 0x1000 ? 4 : value >= 0x100 ? 3 : value >= 0x10 ? 2 : 1;
        for (var i = digits - 1; i >= 0; i--)
        {
            destination[i] = HexDigits[value & 0xF];
            value >>= 4;
        }

        return digits;
    }
}
