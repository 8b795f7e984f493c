namespace Mesh.Domain.Routing;

/// <summary>
/// The route-table version each subscribed gateway says it serves. A change that must be live
/// before something else happens (an ACME challenge before the CA validates it) waits until every
/// current subscriber has reached its version; a subscriber that is gone is forgotten.
/// </summary>
public sealed class AppliedVersions<TSubscriber> where TSubscriber : notnull
{
    private readonly Dictionary<TSubscriber, long> _applied = [];

    /// <summary>Records that a subscriber serves a version; versions only move forward.</summary>
    public void Record(TSubscriber subscriber, long version)
    {
        if (!_applied.TryGetValue(subscriber, out var known) || version > known) _applied[subscriber] = version;
    }

    public void Forget(TSubscriber subscriber) => _applied.Remove(subscriber);

    /// <summary>Whether every one of <paramref name="subscribers"/> serves <paramref name="version"/> or later (true for none).</summary>
    public bool AllReached(long version, IEnumerable<TSubscriber> subscribers)
    {
        foreach (var subscriber in subscribers)
        {
            if (!_applied.TryGetValue(subscriber, out var known) || known < version) return false;
        }
        return true;
    }

    /// <summary>Drops what is recorded for subscribers no longer in <paramref name="subscribers"/>.</summary>
    public void Retain(IEnumerable<TSubscriber> subscribers)
    {
        var live = subscribers.ToHashSet();
        foreach (var gone in _applied.Keys.Where(k => !live.Contains(k)).ToList()) _applied.Remove(gone);
    }
}
