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
public sealed class UpstreamRequest(PortRoute route, IEnumerable<InstanceRoute> instances)
{
    // Most requests lease one instance: the first needs no set (nothing allocated per request for it).
    private string? _first;
    private HashSet<string>? _more;

    public PortRoute Route { get; } = route;

    public IEnumerable<InstanceRoute> Instances { get; } = instances;

    /// <summary>Regions in the client's order of preference (Fly-Prefer-Region); null for none.</summary>
    public IReadOnlyList<string>? PreferredRegions { get; init; }

    /// <summary>An instance to take first when it has a slot (Fly-Prefer-Instance-Id).</summary>
    public string? PreferredInstance { get; init; }

    /// <summary>The client, counted against <c>MaxConnectionsPerClient</c>; null counts the app's cap only.</summary>
    public IPAddress? Client { get; init; }

    /// <summary>Whether an earlier lease of this request went to the instance.</summary>
    public bool Tried(string instanceId) => _first is not null && (_first == instanceId || _more?.Contains(instanceId) == true);

    /// <summary>How many instances this request has been leased so far.</summary>
    public int Attempts => _first is null ? 0 : 1 + (_more?.Count ?? 0);

    internal void MarkTried(string instanceId)
    {
        if (_first is null) _first = instanceId;
        else if (_first != instanceId) (_more ??= new HashSet<string>(StringComparer.Ordinal)).Add(instanceId);
    }
}
