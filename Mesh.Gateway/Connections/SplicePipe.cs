using System.Collections.Concurrent;

namespace Mesh.Gateway.Connections;

/// <summary>
/// A kernel pipe that a splice copy moves bytes through (socket → pipe → socket). A direction
/// holds one only while bytes flow and gives it back empty, so idle connections hold no pipe
/// (and no descriptors beyond their sockets); a small pool keeps the pipe2 calls off the data path.
/// </summary>
internal sealed class SplicePipe
{
    /// <summary>256 KiB: a loopback or LAN socket often has more than the default 64 KiB ready, and each splice then moves it in one call.</summary>
    public const int Size = 256 * 1024;

    private const int PoolLimit = 64;
    private static readonly ConcurrentQueue<SplicePipe> Pool = new();
    private static int _pooled;

    private SplicePipe(int read, int write, int capacity)
    {
        ReadEnd = read;
        WriteEnd = write;
        Capacity = capacity;
    }

    /// <summary>What the pipe holds at most (the kernel may grant less than <see cref="Size"/>).</summary>
    public int Capacity { get; }

    public int ReadEnd { get; }

    public int WriteEnd { get; }

    /// <summary>A pipe from the pool or a new one; null when none can be made (the caller copies through memory instead).</summary>
    public static SplicePipe? Rent()
    {
        if (Pool.TryDequeue(out var pooled))
        {
            Interlocked.Decrement(ref _pooled);
            return pooled;
        }
        return LinuxSplice.OpenPipe(Size) is { } fds ? new SplicePipe(fds.Read, fds.Write, fds.Capacity) : null;
    }

    /// <summary>Gives back a pipe: an empty one to the pool (up to its bound), one that may still hold bytes is closed.</summary>
    public void Return(bool empty)
    {
        if (empty && Interlocked.Increment(ref _pooled) <= PoolLimit)
        {
            Pool.Enqueue(this);
            return;
        }
        if (empty) Interlocked.Decrement(ref _pooled);
        LinuxSplice.ClosePipe(ReadEnd, WriteEnd);
    }
}
