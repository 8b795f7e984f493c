using System.Collections.Concurrent;

namespace Mesh.Gateway.Routing;

/// <summary>The gateway's load counters per instance, and a signal for connections waiting on a slot.</summary>
public sealed class LoadBoard
{
    private readonly ConcurrentDictionary<string, InstanceLoad> _loads = new(StringComparer.Ordinal);
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InstanceLoad For(string instanceId) => _loads.GetOrAdd(instanceId, static _ => new InstanceLoad());

    public int InFlight(string instanceId) => _loads.TryGetValue(instanceId, out var load) ? load.InFlight : 0;

    public void Release(InstanceLoad load)
    {
        load.Release();
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Completes the next time any slot is released (a connection waiting at the hard limit retries then).</summary>
    public Task SlotReleased => Volatile.Read(ref _released).Task;

    /// <summary>Drops counters of instances that are gone from the table and idle.</summary>
    public void Prune(IReadOnlySet<string> live)
    {
        foreach (var (id, load) in _loads)
        {
            if (!live.Contains(id) && load.InFlight == 0) _loads.TryRemove(id, out _);
        }
    }
}
