using Mesh.Gateway.Http;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The fast path's own answers in the format of <see cref="HttpErrors"/>: status line, text/plain
/// body <c>{status} {reason}: {message} (request id {id})</c>, Fly-Request-Id, Server, and
/// <c>Connection: close</c> when the connection ends with it.
/// </summary>
public static class ErrorResponse
{
    public static void Compose(HeadBuffer head, int status, string requestId, string message, bool close, string? allow, bool headRequest)
    {
        var reason = Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
        var body = $"{status} {reason}: {message} (request id {requestId})\n";
        head.Clear();
        head.Add("HTTP/1.1 "u8).Add(status).Add(" "u8).Add(reason).Add("\r\n"u8);
        head.Field("Content-Type"u8, "text/plain; charset=utf-8");
        head.Add("Content-Length: "u8).Add(System.Text.Encoding.UTF8.GetByteCount(body)).Add("\r\n"u8);
        if (close) head.Add("Connection: close\r\n"u8);
        head.Field("Date"u8, HttpDate.Now);
        if (allow is not null) head.Field("Allow"u8, allow);
        head.Field("Fly-Request-Id"u8, requestId);
        head.Field("Server"u8, PlatformTransformer.ServerHeader);
        head.Add("\r\n"u8);
        if (!headRequest) head.Add(body);
    }

    /// <summary>A 2xx/3xx the gateway answers itself (OPTIONS *, ACME http-01, the force_https redirect).</summary>
    public static void ComposeSimple(HeadBuffer head, int status, string requestId, string? contentType, string? body, string? location, string? allow, bool close, bool headRequest)
    {
        head.Clear();
        head.Add("HTTP/1.1 "u8).Add(status).Add(" "u8).Add(Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)).Add("\r\n"u8);
        head.Add("Content-Length: "u8).Add(body is null ? 0 : System.Text.Encoding.UTF8.GetByteCount(body)).Add("\r\n"u8);
        if (contentType is not null) head.Field("Content-Type"u8, contentType);
        if (close) head.Add("Connection: close\r\n"u8);
        head.Field("Date"u8, HttpDate.Now);
        if (location is not null) head.Field("Location"u8, location);
        if (allow is not null) head.Field("Allow"u8, allow);
        head.Field("Fly-Request-Id"u8, requestId);
        head.Field("Server"u8, PlatformTransformer.ServerHeader);
        head.Add("\r\n"u8);
        if (body is not null && !headRequest) head.Add(body);
    }
}
