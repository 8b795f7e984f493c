using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Health;

/// <summary>Tells the control plane an instance's health; throws when it cannot be reached.</summary>
public interface IHealthReporter
{
    Task ReportAsync(string instanceId, InstanceHealth health, CancellationToken cancellationToken);
}
