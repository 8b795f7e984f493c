using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>The caller and the audit details of a request, kept on its HttpContext.</summary>
internal static class CallerContext
{
    private const string CallerKey = "mesh.caller";
    private const string AuditOrgKey = "mesh.audit.org";
    private const string AuditTargetKey = "mesh.audit.target";

    public static Caller Caller(this HttpContext context) =>
        context.Items[CallerKey] as Caller ?? throw new InvalidOperationException("request was not authenticated");

    public static Caller? CallerOrNull(this HttpContext context) => context.Items[CallerKey] as Caller;

    public static void SetCaller(this HttpContext context, Caller caller) => context.Items[CallerKey] = caller;

    /// <summary>The org the request acted in, once known (an app's org is known after its lookup).</summary>
    public static void SetAuditOrg(this HttpContext context, string org) => context.Items[AuditOrgKey] = org;

    public static string? AuditOrg(this HttpContext context) => context.Items[AuditOrgKey] as string;

    public static void SetAuditTarget(this HttpContext context, string target) => context.Items[AuditTargetKey] = target;

    public static string? AuditTarget(this HttpContext context) => context.Items[AuditTargetKey] as string;
}
