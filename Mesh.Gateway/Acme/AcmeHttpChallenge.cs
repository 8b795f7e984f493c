using Mesh.Gateway.Http;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Acme;

/// <summary>
/// Answers HTTP-01 (RFC 8555 §8.3) from the route table: <c>GET /.well-known/acme-challenge/{token}</c>
/// gets the key authorization as text/plain, before force_https and before any app is chosen, on
/// every http listener and whatever the Host (the CA validates a name that may not route yet). An
/// unknown token is a 404 from the gateway: the path belongs to the platform, never to the app.
/// </summary>
public static class AcmeHttpChallenge
{
    public const string PathPrefix = "/.well-known/acme-challenge/";

    public static bool Matches(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Path.Value is { } path && path.StartsWith(PathPrefix, StringComparison.Ordinal);

    /// <summary>The key authorization a challenge path asks for, or null (unknown token, or not a token): shared by both HTTP paths.</summary>
    public static string? KeyAuthorization(AcmeChallenges challenges, string path)
    {
        if (!path.StartsWith(PathPrefix, StringComparison.Ordinal)) return null;
        var token = path[PathPrefix.Length..];
        return token.Length == 0 || token.Contains('/') ? null : challenges.KeyAuthorization(token);
    }

    public static async Task AnswerAsync(HttpContext context, AcmeChallenges challenges, string requestId, GatewayMetrics metrics)
    {
        var keyAuthorization = KeyAuthorization(challenges, context.Request.Path.Value!);
        if (keyAuthorization is null)
        {
            metrics.Count("acme.http01_unknown");
            await HttpErrors.WriteAsync(context, StatusCodes.Status404NotFound, requestId, "no ACME challenge with this token");
            return;
        }
        metrics.Count("acme.http01_answered");
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "text/plain";
        context.Response.Headers[PlatformHeaders.RequestId] = requestId;
        context.Response.Headers.Server = PlatformTransformer.ServerHeader;
        context.Response.ContentLength = System.Text.Encoding.ASCII.GetByteCount(keyAuthorization);
        if (!HttpMethods.IsHead(context.Request.Method)) await context.Response.WriteAsync(keyAuthorization);
    }
}
