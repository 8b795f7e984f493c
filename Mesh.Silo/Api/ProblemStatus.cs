namespace Mesh.Silo.Api;

/// <summary>
/// The one place a <c>MeshException</c> code becomes an HTTP status. Quotas answer 403: a quota
/// is a standing limit of the org, not a rate to retry later (429).
/// </summary>
internal static class ProblemStatus
{
    public static int For(string code) => code switch
    {
        "ip_not_held" => 404,
        "hostname_taken" or "ip_conflict" or "ip_pool_exhausted" or "certificate_not_verified" => 409,
        "config_invalid" or "certificate_invalid" or "certificate_mismatch" or "certificate_expired" => 422,
        "quota_exceeded" => 403,
        "unauthorized" or "invalid_token" => 401,
        "forbidden" => 403,
        // One app's stored state cannot be read: the platform's fault, until an operator repairs it.
        "state_unreadable" => 503,
        _ when code.EndsWith("_not_found", StringComparison.Ordinal) => 404,
        _ when code.EndsWith("_exists", StringComparison.Ordinal) => 409,
        _ when code.StartsWith("invalid_", StringComparison.Ordinal) || code.StartsWith("unknown_", StringComparison.Ordinal) => 400,
        _ => 400,
    };
}
