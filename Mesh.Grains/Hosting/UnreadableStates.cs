using System.Collections.Concurrent;
using Mesh.Domain;

namespace Mesh.Hosting;

/// <summary>
/// This silo's grains whose stored state could not be read when they activated, with why. The
/// storage marks them (and refuses to overwrite what it could not read); the call filter answers
/// their calls with <c>state_unreadable</c>, so one broken grain is loud while the rest work.
/// </summary>
public sealed class UnreadableStates
{
    /// <summary>
    /// Grain types whose state is derived, not authoritative (the route table's epoch, the
    /// problem list itself): when unreadable they start afresh instead of becoming unavailable.
    /// </summary>
    public static readonly IReadOnlySet<string> Rebuilt = new HashSet<string>(StringComparer.Ordinal) { "routetable", "stateproblems" };

    private readonly ConcurrentDictionary<GrainId, string> _reasons = new();
    // Read on every grain call: a plain counter keeps the common case (nothing broken) to one load.
    private volatile int _count;

    public bool IsEmpty => _count == 0;

    /// <summary>Marks a grain unreadable; true the first time (the caller logs and reports it once).</summary>
    public bool Mark(GrainId grain, string reason)
    {
        var added = _reasons.TryAdd(grain, reason);
        if (added) Interlocked.Increment(ref _count);
        else _reasons[grain] = reason;
        return added;
    }

    /// <summary>Forgets a grain whose state read again; true when it had been marked.</summary>
    public bool Clear(GrainId grain)
    {
        if (!_reasons.TryRemove(grain, out _)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }

    public bool TryGet(GrainId grain, out string reason)
    {
        reason = "";
        return !IsEmpty && _reasons.TryGetValue(grain, out reason!);
    }

    /// <summary>The one-line error a caller of an unreadable grain gets.</summary>
    public static MeshException Unavailable(GrainId grain, string reason) =>
        new("state_unreadable", $"{grain.Type} '{grain.Key}' is unavailable: its stored state cannot be read ({reason}); see mesh status");
}
