using Mesh.Gateway.Http;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The platform's request fields that do not depend on what the client sent (DESIGN §4.3), as
/// bytes, in the form <see cref="PlatformTransformer"/> gives them: the client address, scheme,
/// port, region, request id and start, the replay source and the missing preferred instance.
/// Shared by the heads both byte-level paths write (the fast path writes the same block; it may
/// call this). X-Forwarded-For and Via, which extend the client's values, are the caller's.
/// </summary>
public static class PlatformRequestFields
{
    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <param name="forwardedPort">Write X-Forwarded-Port: the client sent none (a client value is kept).</param>
    public static void Write(HeadBuffer b, string clientIp, bool https, long port, bool forwardedPort, string region, string requestId,
        long startMicros, string? replaySource, string? preferredUnavailable)
    {
        b.Add("Fly-Client-IP: "u8).Add(clientIp).Add(Crlf);
        b.Add(https ? "X-Forwarded-Proto: https\r\nFly-Forwarded-Proto: https\r\nX-Forwarded-SSL: on\r\nFly-Forwarded-Ssl: on\r\n"u8
            : "X-Forwarded-Proto: http\r\nFly-Forwarded-Proto: http\r\nX-Forwarded-SSL: off\r\nFly-Forwarded-Ssl: off\r\n"u8);
        if (forwardedPort) b.Add("X-Forwarded-Port: "u8).Add(port).Add(Crlf);
        b.Add("Fly-Forwarded-Port: "u8).Add(port).Add(Crlf);
        b.Add("Fly-Region: "u8).Add(region).Add(Crlf);
        b.Add("Fly-Request-Id: "u8).Add(requestId).Add(Crlf);
        b.Add("X-Request-Start: t="u8).Add(startMicros).Add(Crlf);
        if (replaySource is not null) b.Add("fly-replay-src: "u8).Add(replaySource).Add(Crlf);
        if (preferredUnavailable is not null) b.Add("Fly-Preferred-Instance-Unavailable: "u8).Add(preferredUnavailable).Add(Crlf);
    }
}
