namespace Mesh.Gateway.Health;

/// <summary>The outcome of one run of a check, with a short reason for logs ("connection refused", "status 500").</summary>
public sealed record HealthCheckResult(bool Passed, string Reason)
{
    public static HealthCheckResult Pass(string reason) => new(true, reason);

    public static HealthCheckResult Fail(string reason) => new(false, reason);
}
