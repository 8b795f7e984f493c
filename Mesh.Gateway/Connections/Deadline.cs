namespace Mesh.Gateway.Connections;

/// <summary>
/// One connection's timeout, checked by a <see cref="DeadlineSweeper"/> instead of a timer of its
/// own. Arming it is a field write under an uncontended lock, where a <c>CancelAfter</c> takes the
/// runtime's timer queue lock and a <c>TryReset</c> takes it again: the HTTP/1.1 fast path arms a
/// client and an upstream timeout for every request (Kestrel keeps its timeouts the same way, on its
/// heartbeat). A timeout fires up to one sweep interval late.
/// </summary>
public sealed class Deadline : IDisposable
{
    private const long Never = long.MaxValue;
    private static readonly long SweepMilliseconds = (long)DeadlineSweeper.Interval.TotalMilliseconds;

    private readonly DeadlineSweeper _sweeper;
    private readonly Lock _lock = new();
    private CancellationTokenSource _source = new();
    private long _due = Never;
    private long _armedAt;

    /// <summary>
    /// Asked by the sweeper while an operation has been timed for longer than one sweep: true ends it
    /// now, as if its time were up (the client went away while nothing was reading its socket).
    /// </summary>
    public Func<bool>? Abandoned { get; set; }

    public Deadline(DeadlineSweeper sweeper)
    {
        _sweeper = sweeper;
        sweeper.Add(this);
    }

    /// <summary>The token of the operation being timed: read it after <see cref="Arm"/>.</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>Starts timing the next operation (<see cref="Timeout.InfiniteTimeSpan"/>: none).</summary>
    public void Arm(TimeSpan timeout)
    {
        var now = _sweeper.Now;
        var due = timeout == Timeout.InfiniteTimeSpan ? Never : now + (long)timeout.TotalMilliseconds;
        lock (_lock)
        {
            _armedAt = now;
            // Fired (or cancelled) for an operation that is over: the next one gets a fresh token.
            if (_source.IsCancellationRequested) _source = new CancellationTokenSource();
            _due = due;
        }
    }

    /// <summary>
    /// Ends the operation being timed now (its client went away): its token is cancelled where it
    /// is, so a token read after this, until the next <see cref="Arm"/>, is cancelled too.
    /// </summary>
    public void Expire()
    {
        CancellationTokenSource source;
        lock (_lock)
        {
            source = _source;
            _due = Never;
        }
        source.Cancel();
    }

    /// <summary>Called by the sweeper: the token whose time ran out by <paramref name="now"/>, to be cancelled off the lock.</summary>
    internal CancellationTokenSource? Due(long now)
    {
        var due = Volatile.Read(ref _due);
        if (due > now && !(due != Never && Abandoned is { } abandoned && now - _armedAt >= SweepMilliseconds && abandoned())) return null;
        lock (_lock)
        {
            if (_due != due) return null;
            // Swapped under the lock: an Arm after this times its operation on the new token, so only
            // the operation whose time ran out is cancelled, however late the cancellation runs.
            var fired = _source;
            _source = new CancellationTokenSource();
            _due = Never;
            return fired;
        }
    }

    public void Dispose() => _sweeper.Remove(this);
}
