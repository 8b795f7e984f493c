namespace Mesh.Gateway.Http1;

/// <summary>
/// One endpoint's idle connections, most recently used on top (so a steady load keeps reusing the
/// same few, warm in cache). An array under a lock rather than a <c>ConcurrentStack</c>: that one
/// allocates a node per push (one per proxied request) and walks its whole list to count, which cost
/// the h1 path several microseconds per request once an h2 burst had left a few hundred idle.
/// </summary>
internal sealed class IdleStack
{
    private readonly Lock _lock = new();
    private UpstreamConnection[] _items = new UpstreamConnection[8];
    private int _count;

    /// <summary>Keeps <paramref name="connection"/> unless <paramref name="max"/> are kept already.</summary>
    public bool TryPush(UpstreamConnection connection, int max)
    {
        lock (_lock)
        {
            if (_count >= max) return false;
            if (_count == _items.Length) Array.Resize(ref _items, Math.Min(_items.Length * 2, Math.Max(max, 1)));
            _items[_count++] = connection;
            return true;
        }
    }

    public bool TryPop(out UpstreamConnection connection)
    {
        lock (_lock)
        {
            if (_count == 0)
            {
                connection = null!;
                return false;
            }
            connection = _items[--_count];
            _items[_count] = null!;
            return true;
        }
    }
}
