using System.Collections.Concurrent;

namespace Mesh.Gateway.Routing;

/// <summary>
/// The gateway's load counters per instance and service (concurrency limits and passive health
/// are per instance per service: a broken port must not eject the instance's other services),
/// and a signal for connections waiting on a slot.
/// </summary>
public sealed class LoadBoard
{
    private readonly ConcurrentDictionary<(string Instance, int Port), InstanceLoad> _loads = new();
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public InstanceLoad For(string instanceId, int port) => _loads.GetOrAdd((instanceId, port), static _ => new InstanceLoad());

    public int InFlight(string instanceId, int port) => _loads.TryGetValue((instanceId, port), out var load) ? load.InFlight : 0;

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
        foreach (var (key, load) in _loads)
        {
            if (!live.Contains(key.Instance) && load.InFlight == 0) _loads.TryRemove(key, out _);
        }
    }
}
