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
    private HashSet<string>? _tried;

    public PortRoute Route { get; } = route;

    public IEnumerable<InstanceRoute> Instances { get; } = instances;

    /// <summary>Regions in the client's order of preference (Fly-Prefer-Region); null for none.</summary>
    public IReadOnlyList<string>? PreferredRegions { get; init; }

    /// <summary>An instance to take first when it has a slot (Fly-Prefer-Instance-Id).</summary>
    public string? PreferredInstance { get; init; }

    /// <summary>The client, counted against <c>MaxConnectionsPerClient</c>; null counts the app's cap only.</summary>
    public IPAddress? Client { get; init; }

    /// <summary>Whether an earlier lease of this request went to the instance.</summary>
    public bool Tried(string instanceId) => _tried?.Contains(instanceId) == true;

    /// <summary>How many instances this request has been leased so far.</summary>
    public int Attempts => _tried?.Count ?? 0;

    internal void MarkTried(string instanceId) => (_tried ??= new HashSet<string>(StringComparer.Ordinal)).Add(instanceId);
}
