using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Http;

/// <summary>
/// <c>OPTIONS *</c> asks about the server, not a resource (RFC 9110 §9.3.7). The forwarder can
/// only send origin-form targets (it would reach the app as <c>OPTIONS /</c>, another question), so
/// the gateway answers it itself: 200 with the methods it forwards.
/// </summary>
public static class AsteriskOptions
{
    public const string Allow = "GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS";

    public static bool Matches(HttpContext context) =>
        HttpMethods.IsOptions(context.Request.Method) && context.Features.Get<IHttpRequestFeature>()?.RawTarget == "*";

    public static void Answer(HttpContext context, string requestId)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.Headers.Allow = Allow;
        context.Response.Headers[PlatformHeaders.RequestId] = requestId;
        context.Response.Headers.Server = PlatformTransformer.ServerHeader;
        context.Response.ContentLength = 0;
    }
}
