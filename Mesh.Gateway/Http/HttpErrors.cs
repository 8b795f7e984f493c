using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Http;

/// <summary>
/// Every error the HTTP stage answers itself, mapped in one place (DESIGN §8): 404/421 no route,
/// 503 no healthy instance or overload, 502 connect failure or bad upstream response, 504
/// upstream timeout. Each carries the request id, as a header and in the body.
/// </summary>
public static class HttpErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string requestId, string message, bool close = false, string? allow = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        // Kestrel ends an HTTP/1.x connection after a response that says so, reading no more of it.
        if (close && context.Request.Protocol.StartsWith("HTTP/1.", StringComparison.Ordinal)) context.Response.Headers.Connection = "close";
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (allow is not null) context.Response.Headers.Allow = allow;
        context.Response.Headers[PlatformHeaders.RequestId] = requestId;
        context.Response.Headers.Server = PlatformTransformer.ServerHeader;
        await context.Response.WriteAsync($"{status} {ReasonPhrases(status)}: {message} (request id {requestId})\n");
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
