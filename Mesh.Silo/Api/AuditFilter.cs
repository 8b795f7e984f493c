using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Silo.Api;

/// <summary>Writes the audit line of a mutating endpoint, whatever its outcome.</summary>
internal static class AuditFilter
{
    private static readonly string[] TargetRouteValues = ["id", "app"];

    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder endpoint, string action) =>
        endpoint.AddEndpointFilter(async (context, next) =>
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

    private static void Write(HttpContext http, string action, string result)
    {
        var caller = http.CallerOrNull();
        var target = http.AuditTarget()
            ?? TargetRouteValues.Select(k => http.Request.RouteValues[k] as string).FirstOrDefault(v => v is not null)
            ?? "-";
        http.RequestServices.GetRequiredService<AuditLog>().Record(
            caller?.AuditName ?? "none", http.AuditOrg() ?? caller?.Org ?? "-", action, target, result);
    }
}
