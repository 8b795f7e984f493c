using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Http;

/// <summary>
/// Every error the HTTP stage answers itself, mapped in one place (DESIGN §8): 404/421 no route,
/// 503 no healthy instance or overload, 502 connect failure or bad upstream response, 504
/// upstream timeout. Each carries the request id, as a header and in the body.
/// </summary>
public static class HttpErrors
{
    public static async Task WriteAsync(HttpContext context, int status, string requestId, string message)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers[PlatformHeaders.RequestId] = requestId;
        context.Response.Headers.Server = PlatformTransformer.ServerHeader;
        await context.Response.WriteAsync($"{status} {ReasonPhrases(status)}: {message} (request id {requestId})\n");
    }

    private static string ReasonPhrases(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}
