using System.Collections.Concurrent;

namespace Mesh.Gateway.Connections;

/// <summary>A bounded count per key (connections per app, waiters per app), lock-free.</summary>
public sealed class KeyedCounter
{
    private readonly ConcurrentDictionary<string, Box> _counts = new(StringComparer.Ordinal);

    public bool TryEnter(string key, int limit)
    {
        var box = _counts.GetOrAdd(key, static _ => new Box());
        if (Interlocked.Increment(ref box.Value) <= limit) return true;
        Interlocked.Decrement(ref box.Value);
        return false;
    }

    public void Exit(string key)
    {
        if (_counts.TryGetValue(key, out var box)) Interlocked.Decrement(ref box.Value);
    }

    public int Count(string key) => _counts.TryGetValue(key, out var box) ? Volatile.Read(ref box.Value) : 0;

    private sealed class Box
    {
        public int Value;
    }
}
