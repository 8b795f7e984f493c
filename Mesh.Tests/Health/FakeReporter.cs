using System.Threading.Channels;
using Mesh.Gateway.Health;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Health;

/// <summary>A control plane that records reports; the first <see cref="FailNext"/> reports fail as an unreachable cluster would.</summary>
internal sealed class FakeReporter : IHealthReporter
{
    private readonly Channel<(string, InstanceHealth)> _reports = Channel.CreateUnbounded<(string, InstanceHealth)>();
    private int _failNext;

    public int FailNext
    {
        set => Volatile.Write(ref _failNext, value);
    }

    public Task ReportAsync(string instanceId, InstanceHealth health, CancellationToken cancellationToken)
    {
        if (Interlocked.Decrement(ref _failNext) >= 0) throw new TimeoutException("cluster unreachable");
        _reports.Writer.TryWrite((instanceId, health));
        return Task.CompletedTask;
    }

    /// <summary>The next report that got through; the deadline only bounds a failure.</summary>
    public async Task<(string Instance, InstanceHealth Health)> NextAsync() =>
        await _reports.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
}
