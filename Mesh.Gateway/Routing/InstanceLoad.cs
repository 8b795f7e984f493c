namespace Mesh.Gateway.Routing;

/// <summary>
/// Mutable per-instance counters kept beside the immutable table (keyed by instance id, so they
/// survive table swaps): connections or requests in flight, and passive-health ejection.
/// </summary>
public sealed class InstanceLoad
{
    private int _inFlight;
    private long _ejectedUntil;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Takes a slot unless the instance is at <paramref name="hardLimit"/>.</summary>
    public bool TryAcquire(int? hardLimit)
    {
        while (true)
        {
            var current = Volatile.Read(ref _inFlight);
            if (hardLimit is { } limit && current >= limit) return false;
            if (Interlocked.CompareExchange(ref _inFlight, current + 1, current) == current) return true;
        }
    }

    public void Release() => Interlocked.Decrement(ref _inFlight);

    public bool IsEjected(long nowTicks) => Volatile.Read(ref _ejectedUntil) > nowTicks;

    public void Eject(long untilTicks) => Volatile.Write(ref _ejectedUntil, untilTicks);
}
