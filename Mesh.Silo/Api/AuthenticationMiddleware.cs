using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>Every <c>/v1</c> request but the OpenAPI document needs a token, checked before its body is read.</summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, Authenticator authenticator)
{
    public const string OpenApiPath = "/v1/openapi.json";

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path;
        if (path.StartsWithSegments("/v1") && !path.Equals(OpenApiPath, StringComparison.Ordinal))
        {
            try
            {
                context.SetCaller(await authenticator.AuthenticateAsync(context.Request));
            }
            catch (ApiRefusal refusal)
            {
                AuditFilter.WriteRefused(context, refusal);
                throw;
            }
        }
        await next(context);
    }
}
