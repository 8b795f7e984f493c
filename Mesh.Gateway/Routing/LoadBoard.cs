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
    // Created only when a connection waits for a slot: releasing a slot allocates nothing otherwise.
    private TaskCompletionSource? _released;

    public InstanceLoad For(string instanceId, int port) => _loads.GetOrAdd((instanceId, port), static _ => new InstanceLoad());

    public int InFlight(string instanceId, int port) => _loads.TryGetValue((instanceId, port), out var load) ? load.InFlight : 0;

    /// <summary>Whether passive health has ejected the instance's port (without creating a counter for it).</summary>
    public bool IsEjected(string instanceId, int port, long nowTicks) => _loads.TryGetValue((instanceId, port), out var load) && load.IsEjected(nowTicks);

    public void Release(InstanceLoad load)
    {
        load.Release();
        if (Volatile.Read(ref _released) is not null)
        {
            Interlocked.Exchange(ref _released, null)?.TrySetResult();
        }
    }

    /// <summary>Completes the next time any slot is released (a connection waiting at the hard limit retries then).</summary>
    public Task SlotReleased
    {
        get
        {
            var waiter = Volatile.Read(ref _released);
            if (waiter is not null) return waiter.Task;
            var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return (Interlocked.CompareExchange(ref _released, created, null) ?? created).Task;
        }
    }

    /// <summary>Drops counters of instances that are gone from the table and idle.</summary>
    public void Prune(IReadOnlySet<string> live)
    {
        foreach (var (key, load) in _loads)
        {
            if (!live.Contains(key.Instance) && load.InFlight == 0) _loads.TryRemove(key, out _);
        }
    }
}
