using System.Collections.Concurrent;

namespace Mesh.Gateway.Http1;

/// <summary>
/// One endpoint's idle connections, most recently used on top (so a steady load keeps reusing the
/// same few, warm in cache), with a count of its own: <see cref="ConcurrentStack{T}.Count"/> walks
/// the whole list, and asking it on every return cost the h1 path several microseconds per request
/// once an h2 burst had left a few hundred connections idle.
/// </summary>
internal sealed class IdleStack
{
    private readonly ConcurrentStack<UpstreamConnection> _stack = new();
    private int _count;

    /// <summary>Keeps <paramref name="connection"/> unless <paramref name="max"/> are kept already.</summary>
    public bool TryPush(UpstreamConnection connection, int max)
    {
        if (Interlocked.Increment(ref _count) > max)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _stack.Push(connection);
        return true;
    }

    public bool TryPop(out UpstreamConnection connection)
    {
        if (!_stack.TryPop(out connection!)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }
}
