using System.Net;
using System.Text;
using Mesh.Gateway.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The HTTP/1.1 request head for the app, composed from a request Kestrel parsed (h2, h2c, or
/// HTTP/1.x with the fast path off): the client's fields minus the hop ones, those its Connection
/// names, client Fly-* spoofs and the ones the platform sets (classified by <see cref="ProxyHeaders"/>,
/// as on the fast path), then the platform's fields exactly as <see cref="PlatformTransformer"/>
/// sets them. Written straight into a reused buffer: no string per field.
/// </summary>
public static class KestrelRequestHead
{
    private const int MaxClassifiedName = 64;

    private static ReadOnlySpan<byte> Crlf => "\r\n"u8;

    /// <param name="contentLength">The body length to announce, or -1 for none.</param>
    /// <param name="chunked">The body goes chunked (an h2 body without Content-Length).</param>
    /// <param name="close">Concurrency by connections: the app's connection ends with this request.</param>
    public static void Compose(HeadBuffer b, HttpContext context, ProxiedRequest info, IPEndPoint endpoint, long contentLength, bool chunked, bool close)
    {
        var request = context.Request;
        b.Clear();
        b.Add(request.Method).Add(" "u8);
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        // The target as the client sent it, as the fast path forwards it; an absolute-form one
        // (HTTP/1.x, routed by its authority) goes in origin form.
        if (raw is { Length: > 0 } && raw[0] == '/') b.Add(raw);
        else b.Add(UriHelper.BuildRelative(request.PathBase, request.Path, request.QueryString));
        b.Add(" HTTP/1.1\r\nHost: "u8);
        var host = request.Host.Value;
        if (string.IsNullOrEmpty(host)) b.Add(endpoint.ToString());
        else b.Add(host);
        b.Add(Crlf);

        var hopHeaders = info.HopHeaders;
        StringValues forwardedFor = default, via = default;
        var hasForwardedPort = false;
        Span<byte> name = stackalloc byte[MaxClassifiedName];
        // Enumerating through the interface boxes Kestrel's enumerator once; indexing by name would cost a lookup per field.
        foreach (var (key, values) in request.Headers)
        {
            if (key.Length == 0 || key[0] == ':') continue;
            var kind = key.Length <= MaxClassifiedName ? ProxyHeaders.Classify(name[..Encoding.Latin1.GetBytes(key, name)]) : HeaderKind.Other;
            switch (kind)
            {
                case HeaderKind.ForwardedFor:
                    forwardedFor = values;
                    continue;
                case HeaderKind.Via:
                    via = values;
                    continue;
                case HeaderKind.ForwardedPort:
                    hasForwardedPort = true;
                    break;
                case HeaderKind.Replay:
                    // fly-replay is the app's to send; PlatformTransformer drops a client's copy with the other Fly-* spoofs.
                    continue;
                default:
                    if (ProxyHeaders.DroppedFromRequest(kind)) continue;
                    break;
            }
            if (hopHeaders.Count > 0 && Named(hopHeaders, key)) continue;
            if (values.Count > 1 && key.Equals("Cookie", StringComparison.OrdinalIgnoreCase))
            {
                // h2 clients may split cookies across fields; HTTP/1.1 has one Cookie line (RFC 9113 §8.2.3).
                b.Add(key).Add(": "u8);
                for (var i = 0; i < values.Count; i++)
                {
                    if (i > 0) b.Add("; "u8);
                    b.Add(values[i] ?? "");
                }
                b.Add(Crlf);
                continue;
            }
            foreach (var value in values) b.Add(key).Add(": "u8).Add(value ?? "").Add(Crlf);
        }

        if (chunked) b.Add("Transfer-Encoding: chunked\r\n"u8);
        else if (contentLength >= 0) b.Add("Content-Length: "u8).Add(contentLength).Add(Crlf);
        // Concurrency by connections (the default): every request has its own upstream connection (fly-reference §1D).
        if (close) b.Add("Connection: close\r\n"u8);
        b.Add("X-Forwarded-For: "u8);
        AddJoined(b, forwardedFor);
        b.Add(info.ClientIp).Add(Crlf);
        PlatformRequestFields.Write(b, info.ClientIp, info.Https, info.Port, !hasForwardedPort, info.Region, info.RequestId,
            info.StartMicroseconds, info.ReplaySource, info.PreferredInstanceUnavailable);
        b.Add("Via: "u8);
        AddJoined(b, via);
        b.Add(ViaHop(request.Protocol)).Add("\r\n\r\n"u8);
    }

    /// <summary>This gateway's Via entry for a client protocol (RFC 9110 §7.6.3), as PlatformTransformer writes it.</summary>
    public static ReadOnlySpan<byte> ViaHop(string protocol) => protocol switch
    {
        "HTTP/2" => "2 mesh"u8,
        "HTTP/3" => "3 mesh"u8,
        "HTTP/1.0" => "1.0 mesh"u8,
        _ => "1.1 mesh"u8,
    };

    /// <summary>The client's values of a list field, each followed by ", ", to append the gateway's own after.</summary>
    private static void AddJoined(HeadBuffer b, StringValues values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value)) b.Add(value).Add(", "u8);
        }
    }

    private static bool Named(IReadOnlyList<string> names, string key)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i].Equals(key, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }
}
