using System.Collections.Concurrent;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Checks every live <see cref="Deadline"/> each <see cref="Interval"/> and cancels the ones that
/// are due, each on the thread pool (a cancelled read resumes its connection inline, which must not
/// run on the sweep). Ten thousand idle connections cost one pass of reads ten times a second.
/// </summary>
public sealed class DeadlineSweeper : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly ConcurrentDictionary<Deadline, byte> _live = new();
    private readonly TimeProvider _time;
    private readonly long _ticksPerMillisecond;
    private readonly ITimer _timer;

    public DeadlineSweeper(TimeProvider time)
    {
        _time = time;
        _ticksPerMillisecond = Math.Max(1, time.TimestampFrequency / 1000);
        _timer = time.CreateTimer(static s => ((DeadlineSweeper)s!).Sweep(), this, Interval, Interval);
    }

    /// <summary>Milliseconds on a monotonic clock.</summary>
    public long Now => _time.GetTimestamp() / _ticksPerMillisecond;

    internal void Add(Deadline deadline) => _live.TryAdd(deadline, 0);

    internal void Remove(Deadline deadline) => _live.TryRemove(deadline, out _);

    private void Sweep()
    {
        var now = Now;
        foreach (var (deadline, _) in _live)
        {
            if (deadline.Due(now) is { } fired) ThreadPool.UnsafeQueueUserWorkItem(static s => s.Cancel(), fired, preferLocal: false);
        }
    }

    public void Dispose() => _timer.Dispose();
}
