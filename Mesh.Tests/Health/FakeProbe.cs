using System.Collections.Concurrent;
using Mesh.Gateway.Health;

namespace Mesh.Tests.Health;

/// <summary>A probe whose result per instance the test sets (passing until told otherwise); it records which instances were checked.</summary>
internal sealed class FakeProbe : IHealthProbe
{
    private readonly ConcurrentDictionary<string, HealthCheckResult> _results = new();

    public ConcurrentQueue<string> Checked { get; } = new();

    public void Set(string instanceId, HealthCheckResult result) => _results[instanceId] = result;

    public Task<HealthCheckResult> RunAsync(HealthCheckTarget target, CancellationToken cancellationToken)
    {
        Checked.Enqueue(target.InstanceId);
        return Task.FromResult(_results.GetValueOrDefault(target.InstanceId) ?? HealthCheckResult.Pass("fake"));
    }
}
