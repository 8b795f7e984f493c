namespace Mesh.Gateway.Health;

/// <summary>Runs a check with the probe of its kind.</summary>
public sealed class HealthProbe(HttpProbe http) : IHealthProbe
{
    public Task<HealthCheckResult> RunAsync(HealthCheckTarget target, CancellationToken cancellationToken) => target.Http is { } check
        ? http.CheckAsync(target.Endpoint, check, cancellationToken)
        : TcpProbe.CheckAsync(target.Endpoint, target.Timeout, cancellationToken);
}
