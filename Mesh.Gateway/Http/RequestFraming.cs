using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Http;

/// <summary>
/// The HTTP/1.x framing rules the gateway holds clients to on top of Kestrel's parser (RFC 9112
/// §6): anything two parsers could read as different body lengths is refused before the app sees
/// a byte, and the connection is closed after the answer so the client's remaining bytes are never
/// read as another request. Kestrel alone accepts a chunked HTTP/1.0 request, which a hop that
/// follows the RFC frames as having no body. (Kestrel also reads <c>Content-Length: +5</c> as 5 and
/// keeps only the number, so that case cannot be seen from here.)
/// </summary>
public static class RequestFraming
{
    /// <summary>Why the request's framing is refused, or null when it is unambiguous.</summary>
    public static string? Refusal(string protocol, IHeaderDictionary headers)
    {
        if (!protocol.StartsWith("HTTP/1.", StringComparison.Ordinal)) return null;
        var lengths = headers[HeaderNames.ContentLength];
        var codings = headers[HeaderNames.TransferEncoding];
        if (lengths.Count > 1) return "more than one Content-Length";
        if (lengths.Count == 1 && !IsDigits(lengths[0])) return "Content-Length is not a decimal number";
        if (codings.Count == 0) return null;
        // RFC 9112 §6.1: a server must not process HTTP/1.0 chunked framing as such; other hops read it as no body.
        if (protocol == "HTTP/1.0") return "Transfer-Encoding in an HTTP/1.0 request";
        // Kestrel moves a Content-Length sent with Transfer-Encoding to X-Content-Length and reads
        // the body as chunked; RFC 9112 §6.1 lets a server refuse such a request instead, and a
        // hop in front may have framed it by the length.
        if (lengths.Count > 0 || headers.ContainsKey(HeaderNames.MovedContentLength)) return "both Transfer-Encoding and Content-Length";
        if (codings.Count > 1 || !string.Equals(codings[0], "chunked", StringComparison.OrdinalIgnoreCase)) return "Transfer-Encoding other than chunked";
        return null;
    }

    private static bool IsDigits(string? value)
    {
        if (string.IsNullOrEmpty(value)) return false;
        foreach (var c in value)
        {
            if (c is < '0' or > '9') return false;
        }
        return true;
    }

    private static class HeaderNames
    {
        public const string ContentLength = "Content-Length";
        public const string TransferEncoding = "Transfer-Encoding";
        public const string MovedContentLength = "X-Content-Length";
    }
}
