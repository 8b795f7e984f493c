using System.Text;
using Mesh.Gateway.Http;

namespace Mesh.Gateway.Http1;

/// <summary>
/// Which headers the proxy owns, by name, in one place for the byte-level fast path: the names
/// <see cref="PlatformTransformer"/> replaces, the hop-by-hop ones, and client Fly-* spoofs
/// (<see cref="PlatformHeaders.ClientMaySend"/> decides which Fly-* a client may send). Names are
/// compared as ASCII, case-insensitively, without allocating.
/// </summary>
public static class ProxyHeaders
{
    /// <summary>The request headers PlatformTransformer sets, so the client's copies never reach the app.</summary>
    public static readonly string[] PlatformOwned =
    [
        PlatformHeaders.ClientIp, PlatformHeaders.ForwardedProto, PlatformHeaders.FlyForwardedProto, PlatformHeaders.ForwardedSsl,
        PlatformHeaders.FlyForwardedSsl, PlatformHeaders.FlyForwardedPort, PlatformHeaders.Region, PlatformHeaders.RequestId,
        PlatformHeaders.RequestStart, ReplayDirective.SourceHeader, PlatformHeaders.PreferredInstanceUnavailable,
    ];

    private static readonly byte[][] PlatformOwnedBytes = [.. PlatformOwned.Select(Encoding.ASCII.GetBytes)];

    public static HeaderKind Classify(ReadOnlySpan<byte> name)
    {
        switch (name.Length)
        {
            case 2 when Ascii.EqualsIgnoreCase(name, "TE"u8): return HeaderKind.Hop;
            case 3 when Ascii.EqualsIgnoreCase(name, "Via"u8): return HeaderKind.Via;
            case 4 when Ascii.EqualsIgnoreCase(name, "Host"u8): return HeaderKind.Host;
            case 6 when Ascii.EqualsIgnoreCase(name, "Expect"u8): return HeaderKind.Expect;
            case 6 when Ascii.EqualsIgnoreCase(name, "Server"u8): return HeaderKind.Server;
            case 7 when Ascii.EqualsIgnoreCase(name, "Upgrade"u8): return HeaderKind.Upgrade;
            case 10 when Ascii.EqualsIgnoreCase(name, "Connection"u8): return HeaderKind.Connection;
            case 10 when Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8): return HeaderKind.Hop;
            case 10 when Ascii.EqualsIgnoreCase(name, "fly-replay"u8): return HeaderKind.Replay;
            case 14 when Ascii.EqualsIgnoreCase(name, "Content-Length"u8): return HeaderKind.ContentLength;
            case 15 when Ascii.EqualsIgnoreCase(name, "X-Forwarded-For"u8): return HeaderKind.ForwardedFor;
            case 16 when Ascii.EqualsIgnoreCase(name, "X-Forwarded-Port"u8): return HeaderKind.ForwardedPort;
            case 16 when Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8): return HeaderKind.Hop;
            case 17 when Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8): return HeaderKind.TransferEncoding;
        }
        foreach (var owned in PlatformOwnedBytes)
        {
            if (owned.Length == name.Length && Ascii.EqualsIgnoreCase(name, owned))
            {
                return owned.Length == 14 && Ascii.EqualsIgnoreCase(name, "Fly-Request-Id"u8) ? HeaderKind.RequestId : HeaderKind.PlatformOwned;
            }
        }
        if (name.Length > 4 && Ascii.EqualsIgnoreCase(name[..4], "Fly-"u8))
        {
            return IsSteering(name) ? HeaderKind.Steering : HeaderKind.SpoofedFly;
        }
        return HeaderKind.Other;
    }

    private static bool IsSteering(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Fly-Prefer-Region"u8) || Ascii.EqualsIgnoreCase(name, "Fly-Force-Region"u8)
        || Ascii.EqualsIgnoreCase(name, "Fly-Prefer-Instance-Id"u8) || Ascii.EqualsIgnoreCase(name, "Fly-Force-Instance-Id"u8);

    /// <summary>Whether a request header of this kind is dropped from the client's head (the proxy writes its own, or it is one hop's).</summary>
    public static bool DroppedFromRequest(HeaderKind kind) => kind is HeaderKind.Host or HeaderKind.ContentLength or HeaderKind.TransferEncoding
        or HeaderKind.Connection or HeaderKind.Expect or HeaderKind.Upgrade or HeaderKind.Via or HeaderKind.ForwardedFor or HeaderKind.Hop
        or HeaderKind.PlatformOwned or HeaderKind.SpoofedFly or HeaderKind.RequestId;

    /// <summary>
    /// The options of a Connection field that name no header (RFC 9110 §7.6.1), and the ones the
    /// proxy manages itself; every other token names a header to drop (<see cref="ConnectionOptions"/>).
    /// </summary>
    public static bool IsConnectionOption(ReadOnlySpan<byte> token) =>
        Ascii.EqualsIgnoreCase(token, "close"u8) || Ascii.EqualsIgnoreCase(token, "keep-alive"u8) || Ascii.EqualsIgnoreCase(token, "upgrade"u8)
        || Ascii.EqualsIgnoreCase(token, "te"u8) || Ascii.EqualsIgnoreCase(token, "host"u8) || Ascii.EqualsIgnoreCase(token, "content-length"u8)
        || Ascii.EqualsIgnoreCase(token, "transfer-encoding"u8);

    /// <summary>tchar (RFC 9110 §5.6.2).</summary>
    public static bool IsTokenChar(byte b) => b switch
    {
        >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' => true,
        (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'.'
            or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~' => true,
        _ => false,
    };

    public static bool IsToken(ReadOnlySpan<byte> name)
    {
        if (name.IsEmpty) return false;
        foreach (var b in name)
        {
            if (!IsTokenChar(b)) return false;
        }
        return true;
    }

    /// <summary>A field value without control characters other than HTAB (RFC 9110 §5.5).</summary>
    public static bool IsFieldValue(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F) return false;
        }
        return true;
    }

    /// <summary>1*DIGIT as a non-negative length, or -1 (<c>+5</c>, <c>0x5</c>, <c>5a</c>, empty, overflow).</summary>
    public static long ParseLength(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty || value.Length > 18) return -1;
        long n = 0;
        foreach (var b in value)
        {
            if (b is < (byte)'0' or > (byte)'9') return -1;
            n = n * 10 + (b - '0');
        }
        return n;
    }

    /// <summary>The next comma-separated token of a list field (RFC 9110 §5.6.1), trimmed; false at the end.</summary>
    public static bool NextToken(ReadOnlySpan<byte> list, ref int position, out ReadOnlySpan<byte> token)
    {
        while (position < list.Length)
        {
            var rest = list[position..];
            var comma = rest.IndexOf((byte)',');
            var part = comma < 0 ? rest : rest[..comma];
            position += comma < 0 ? rest.Length : comma + 1;
            part = part.Trim(" \t"u8);
            if (part.Length > 0)
            {
                token = part;
                return true;
            }
        }
        token = default;
        return false;
    }
}
