using System.Buffers.Binary;
using System.Text;

namespace Mesh.Gateway.Protocols;

// The ClientHello body and the three extensions the gateway routes on, over one contiguous message.
public static partial class ClientHelloReader
{
    /// <summary>legacy_version (2) and random (32), RFC 8446 §4.1.2.</summary>
    private const int VersionAndRandomLength = 2 + 32;

    /// <summary>RFC 8446 §4.1.2: legacy_session_id&lt;0..32&gt;.</summary>
    private const int MaxSessionIdLength = 32;

    /// <summary>ExtensionType values (RFC 8446 §4.2).</summary>
    private const ushort ServerNameExtension = 0;
    private const ushort AlpnExtension = 16;
    private const ushort SupportedVersionsExtension = 43;

    /// <summary>RFC 6066 §3: NameType host_name.</summary>
    private const byte HostNameType = 0;

    /// <summary>A DNS name is at most 255 octets (RFC 1035 §2.3.4); OpenSSL refuses longer host names too.</summary>
    private const int MaxHostNameLength = 255;

    /// <summary>Parses a whole ClientHello handshake message, header included (RFC 8446 §4.1.2).</summary>
    private static PeekResult Parse(ReadOnlySpan<byte> message, out ClientHelloInfo? hello)
    {
        hello = null;
        var body = message[HandshakeHeaderLength..];
        if (!TrySkip(ref body, VersionAndRandomLength)
            || !TryReadVector8(ref body, out var sessionId) || sessionId.Length > MaxSessionIdLength
            || !TryReadVector16(ref body, out var cipherSuites) || cipherSuites.Length < 2 || cipherSuites.Length % 2 != 0
            || !TryReadVector8(ref body, out var compressionMethods) || compressionMethods.IsEmpty)
        {
            return PeekResult.Invalid;
        }

        string? serverName = null;
        string[] protocols = [];
        ushort[] versions = [];

        // RFC 5246 §7.4.1.2: a TLS 1.2 ClientHello may end here; if anything follows, it is exactly one extensions block.
        if (!body.IsEmpty)
        {
            if (!TryReadVector16(ref body, out var extensions) || !body.IsEmpty)
            {
                return PeekResult.Invalid;
            }

            bool seenServerName = false, seenAlpn = false, seenVersions = false;
            while (!extensions.IsEmpty)
            {
                if (!TryReadUInt16(ref extensions, out var type) || !TryReadVector16(ref extensions, out var data))
                {
                    return PeekResult.Invalid;
                }

                // RFC 8446 §4.2: an extension type appears at most once.
                var ok = type switch
                {
                    ServerNameExtension => !Seen(ref seenServerName) && TryParseServerName(data, out serverName),
                    AlpnExtension => !Seen(ref seenAlpn) && TryParseAlpn(data, out protocols),
                    SupportedVersionsExtension => !Seen(ref seenVersions) && TryParseSupportedVersions(data, out versions),
                    _ => true,
                };
                if (!ok)
                {
                    return PeekResult.Invalid;
                }
            }
        }

        hello = new ClientHelloInfo(serverName, protocols, versions);
        return PeekResult.Parsed;
    }

    /// <summary>RFC 6066 §3: ServerNameList&lt;1..2^16-1&gt; of (NameType, HostName&lt;1..2^16-1&gt;).</summary>
    private static bool TryParseServerName(ReadOnlySpan<byte> data, out string? hostName)
    {
        hostName = null;
        if (!TryReadVector16(ref data, out var list) || !data.IsEmpty || list.IsEmpty)
        {
            return false;
        }

        while (!list.IsEmpty)
        {
            if (!TryReadUInt8(ref list, out var nameType) || !TryReadVector16(ref list, out var name))
            {
                return false;
            }

            if (nameType != HostNameType)
            {
                continue;
            }

            // RFC 6066 §3: one name per type; HostName is ASCII (no NUL, no spaces, no 8-bit bytes).
            if (hostName is not null || name.IsEmpty || name.Length > MaxHostNameLength || name.ContainsAnyExceptInRange((byte)0x21, (byte)0x7E))
            {
                return false;
            }

            hostName = Encoding.ASCII.GetString(name);
        }

        return true;
    }

    /// <summary>RFC 7301 §3.1: ProtocolNameList&lt;2..2^16-1&gt; of ProtocolName&lt;1..2^8-1&gt;; empty names are forbidden.</summary>
    private static bool TryParseAlpn(ReadOnlySpan<byte> data, out string[] protocols)
    {
        protocols = [];
        if (!TryReadVector16(ref data, out var list) || !data.IsEmpty || list.IsEmpty)
        {
            return false;
        }

        var count = 0;
        for (var rest = list; !rest.IsEmpty; count++)
        {
            if (!TryReadVector8(ref rest, out var name) || name.IsEmpty)
            {
                return false;
            }
        }

        protocols = new string[count];
        for (var i = 0; i < count; i++)
        {
            TryReadVector8(ref list, out var name);
            protocols[i] = ProtocolName(name);
        }

        return true;
    }

    /// <summary>RFC 8446 §4.2.1: in a ClientHello, ProtocolVersion versions&lt;2..254&gt;.</summary>
    private static bool TryParseSupportedVersions(ReadOnlySpan<byte> data, out ushort[] versions)
    {
        versions = [];
        if (!TryReadVector8(ref data, out var list) || !data.IsEmpty || list.Length < 2 || list.Length % 2 != 0)
        {
            return false;
        }

        versions = new ushort[list.Length / 2];
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = BinaryPrimitives.ReadUInt16BigEndian(list[(2 * i)..]);
        }

        return true;
    }

    /// <summary>
    /// The usual names come back as the literals, without allocating. Others are decoded as Latin-1,
    /// which maps every byte to one char: ALPN ids are opaque bytes (RFC 7301 §6), not UTF-8.
    /// </summary>
    private static string ProtocolName(ReadOnlySpan<byte> name) =>
        name.SequenceEqual("h2"u8) ? "h2"
        : name.SequenceEqual("http/1.1"u8) ? "http/1.1"
        : name.SequenceEqual("postgresql"u8) ? "postgresql"
        : Encoding.Latin1.GetString(name);

    private static bool Seen(ref bool seen)
    {
        var before = seen;
        seen = true;
        return before;
    }

    private static bool TrySkip(ref ReadOnlySpan<byte> data, int count)
    {
        if (data.Length < count)
        {
            return false;
        }

        data = data[count..];
        return true;
    }

    private static bool TryReadUInt8(ref ReadOnlySpan<byte> data, out byte value)
    {
        value = 0;
        if (data.IsEmpty)
        {
            return false;
        }

        value = data[0];
        data = data[1..];
        return true;
    }

    private static bool TryReadUInt16(ref ReadOnlySpan<byte> data, out ushort value)
    {
        value = 0;
        if (data.Length < 2)
        {
            return false;
        }

        value = BinaryPrimitives.ReadUInt16BigEndian(data);
        data = data[2..];
        return true;
    }

    /// <summary>A vector with a one-byte length prefix (RFC 8446 §3.4).</summary>
    private static bool TryReadVector8(ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> vector)
    {
        vector = default;
        if (data.IsEmpty || data.Length - 1 < data[0])
        {
            return false;
        }

        vector = data.Slice(1, data[0]);
        data = data[(1 + data[0])..];
        return true;
    }

    /// <summary>A vector with a two-byte length prefix (RFC 8446 §3.4).</summary>
    private static bool TryReadVector16(ref ReadOnlySpan<byte> data, out ReadOnlySpan<byte> vector)
    {
        vector = default;
        if (data.Length < 2)
        {
            return false;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(data);
        if (data.Length - 2 < length)
        {
            return false;
        }

        vector = data.Slice(2, length);
        data = data[(2 + length)..];
        return true;
    }
}
