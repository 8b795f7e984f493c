using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Health;

/// <summary>
/// Reports health to the instance's grain, which publishes a route-table delta to every gateway
/// when the value changes (and ignores a value it already has).
/// </summary>
public sealed class ClusterHealthReporter(IClusterClient client) : IHealthReporter
{
    public Task ReportAsync(string instanceId, InstanceHealth health, CancellationToken cancellationToken) =>
        client.GetGrain<IInstanceGrain>(instanceId).SetHealth(health).WaitAsync(cancellationToken);
}
