using System.Net;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// One connection's or request's ask of <see cref="UpstreamSelector"/>: the route, the instances
/// it may go to (the app's, or fewer when steering forces a region or instance), the steering
/// preferences, and the client address when a per-client cap applies. Reused across attempts
/// of the same connection or request: an instance once leased is not offered again, so a
/// connect failure moves on to the next candidate.
/// </summary>
/// <remarks>
/// A caller that serves one request after another (an HTTP/1.1 connection) keeps one request and
/// <see cref="Reset"/>s it for each, with <see cref="ReusesLeases"/> on: the lease of a request
/// is then the same object each time, re-armed once the previous one was disposed, so a request
/// allocates neither. Such a caller must not touch a lease after its next acquire.
/// </remarks>
public sealed class UpstreamRequest(PortRoute route, IEnumerable<InstanceRoute> instances)
{
    // Most requests lease one instance: the first needs no set (nothing allocated per request for it).
    private string? _first;
    private HashSet<string>? _more;
    private IReadOnlyList<string>? _preferredRegions;
    private string? _preferredInstance;
    private InstanceLease? _spare;

    public PortRoute Route { get; private set; } = route;

    public IEnumerable<InstanceRoute> Instances { get; private set; } = instances;

    /// <summary>Regions in the client's order of preference (Fly-Prefer-Region); null for none.</summary>
    public IReadOnlyList<string>? PreferredRegions { get => _preferredRegions; init => _preferredRegions = value; }

    /// <summary>An instance to take first when it has a slot (Fly-Prefer-Instance-Id).</summary>
    public string? PreferredInstance { get => _preferredInstance; init => _preferredInstance = value; }

    /// <summary>The client, counted against <c>MaxConnectionsPerClient</c>; null counts the app's cap only.</summary>
    public IPAddress? Client { get; init; }

    /// <summary>Whether a disposed lease of this request is re-armed for its next one (see the remarks).</summary>
    public bool ReusesLeases { get; init; }

    /// <summary>Whether an earlier lease of this request went to the instance.</summary>
    public bool Tried(string instanceId) => _first is not null && (_first == instanceId || _more?.Contains(instanceId) == true);

    /// <summary>How many instances this request has been leased so far.</summary>
    public int Attempts => _first is null ? 0 : 1 + (_more?.Count ?? 0);

    /// <summary>Makes this the ask of the next request: new route, instances and preferences, nothing tried yet.</summary>
    public void Reset(PortRoute route, IEnumerable<InstanceRoute> instances, IReadOnlyList<string>? preferredRegions, string? preferredInstance)
    {
        Route = route;
        Instances = instances;
        _preferredRegions = preferredRegions;
        _preferredInstance = preferredInstance;
        _first = null;
        _more?.Clear();
    }

    internal void MarkTried(string instanceId)
    {
        if (_first is null) _first = instanceId;
        else if (_first != instanceId) (_more ??= new HashSet<string>(StringComparer.Ordinal)).Add(instanceId);
    }

    internal InstanceLease Lease(UpstreamSelector owner, InstanceRoute instance, InstanceLoad load)
    {
        if (_spare is { Released: true } spare)
        {
            spare.Rearm(owner, instance, load, Route.AppName, Client);
            return spare;
        }
        var lease = new InstanceLease(owner, instance, load, Route.AppName, Client);
        if (ReusesLeases) _spare = lease;
        return lease;
    }
}
