using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Silo.Api;

/// <summary>Writes the audit line of a mutating endpoint, whatever its outcome.</summary>
internal static class AuditFilter
{
    private static readonly string[] TargetRouteValues = ["id", "app"];

    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder endpoint, string action) =>
        endpoint.WithMetadata(new AuditAction(action)).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            try
            {
                var result = await next(context);
                Write(http, action, "ok");
                return result;
            }
            catch (Exception e)
            {
                Write(http, action, ProblemWriter.StatusOf(e).ToString());
                throw;
            }
        });

    /// <summary>A mutating call refused before its endpoint ran (no or a bad token).</summary>
    public static void WriteRefused(HttpContext http, ApiRefusal refusal)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditAction>() is { } action)
        {
            Write(http, action.Name, refusal.Status.ToString(), refusal.TokenId);
        }
    }

    private static void Write(HttpContext http, string action, string result, string? token = null)
    {
        var caller = http.CallerOrNull();
        var target = http.AuditTarget()
            ?? TargetRouteValues.Select(k => http.Request.RouteValues[k] as string).FirstOrDefault(v => v is not null)
            ?? "-";
        http.RequestServices.GetRequiredService<AuditLog>().Record(
            token ?? caller?.AuditName ?? "none", http.AuditOrg() ?? caller?.Org ?? "-", action, target, result);
    }
}
