namespace Mesh.Gateway.Health;

/// <summary>Runs one check once. Failures are results; only the caller's cancellation throws.</summary>
public interface IHealthProbe
{
    Task<HealthCheckResult> RunAsync(HealthCheckTarget target, CancellationToken cancellationToken);
}
