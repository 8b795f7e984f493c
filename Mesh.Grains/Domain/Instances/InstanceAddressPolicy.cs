using System.Net;
using System.Net.Sockets;
using Mesh.Domain.Apps;

namespace Mesh.Domain.Instances;

/// <summary>
/// Which addresses an org's instances may be registered at, and so which ones a gateway dials.
/// Allowed: the org's private prefix, <c>[::]:PORT</c> / <c>0.0.0.0:PORT</c> (dialled at the
/// instance's own private address), and networks the operator allows for the org. Never allowed,
/// whatever is configured: link-local, multicast and broadcast, another org's private prefix,
/// the cluster's own nodes and reserved endpoints, and the platform's public addresses (a tenant
/// would otherwise turn the gateway into a proxy into the operator's network, or into itself).
/// Loopback only when allowed. Pure: the caller supplies the cluster's nodes.
/// </summary>
public sealed class InstanceAddressPolicy
{
    private const string AllowedKey = InstanceAddressOptions.Section + ":AllowedNetworks";
    private const string EveryOrg = "*";

    private readonly bool _allowLoopback;
    private readonly IReadOnlyDictionary<string, IPNetwork[]> _allowed;
    private readonly IPEndPoint[] _reserved;
    private readonly HashSet<IPAddress> _nodeAddresses;
    private readonly IPNetwork[] _public;

    public InstanceAddressPolicy(
        bool allowLoopback,
        IReadOnlyDictionary<string, IPNetwork[]> allowedNetworks,
        IEnumerable<IPEndPoint> reservedEndpoints,
        IEnumerable<IPNetwork> publicNetworks)
    {
        _allowLoopback = allowLoopback;
        _allowed = allowedNetworks;
        _reserved = [.. reservedEndpoints.Select(e => new IPEndPoint(Normalize(e.Address), e.Port))];
        // A node's whole address is off limits, except loopback (a one-host cluster), where only its ports are.
        _nodeAddresses = [.. _reserved.Select(e => e.Address).Where(a => !IPAddress.IsLoopback(a) && !IsUnspecified(a))];
        _public = [.. publicNetworks];
    }

    /// <summary>Allows nothing beyond the org's own prefix: what a cluster without <c>Mesh:Instances</c> does.</summary>
    public static InstanceAddressPolicy Strict { get; } = new(false, new Dictionary<string, IPNetwork[]>(), [], []);

    /// <summary>
    /// The policy from the operator's options plus what the cluster knows about itself: its nodes'
    /// endpoints (silo and gateway ports) and its public address pools. Bad config throws a
    /// <see cref="MeshException"/> naming the key.
    /// </summary>
    public static InstanceAddressPolicy From(InstanceAddressOptions options, IEnumerable<IPEndPoint> nodeEndpoints, IEnumerable<IPNetwork> publicNetworks, bool loopbackByDefault = false)
    {
        var allowed = new Dictionary<string, IPNetwork[]>(StringComparer.Ordinal);
        foreach (var (org, text) in options.AllowedNetworks)
        {
            allowed[org] = [.. Split(text).Select(cidr => IPNetwork.TryParse(cidr, out var n)
                ? n
                : throw new MeshException("config_invalid", $"{AllowedKey}:{org}: '{cidr}' is not a CIDR prefix such as 10.20.0.0/16"))];
        }
        var reserved = Split(options.ReservedEndpoints).Select(e => IPEndPoint.TryParse(e, out var ep) && ep.Port > 0
            ? ep
            : throw new MeshException("config_invalid", $"{InstanceAddressOptions.Section}:ReservedEndpoints: '{e}' is not HOST:PORT with an IP address"));
        return new InstanceAddressPolicy(options.AllowLoopback ?? loopbackByDefault, allowed, [.. reserved, .. nodeEndpoints], publicNetworks);
    }

    /// <summary>Why an org's instance may not be at <paramref name="address"/> (HOST:PORT), as one line; null when it may.</summary>
    public string? Refusal(string org, string address) =>
        IPEndPoint.TryParse(address, out var endpoint) ? Refusal(org, endpoint) is { } rule ? $"instance address {address}: {rule}" : null
            : $"instance address {address}: not HOST:PORT with an IP address";

    /// <summary>The rule that refuses an org's instance at <paramref name="endpoint"/>; null when it is allowed.</summary>
    public string? Refusal(string org, IPEndPoint endpoint)
    {
        var address = Normalize(endpoint.Address);
        // "Listening on every address": dialled at the instance's own private address, in its org.
        if (IsUnspecified(address)) return null;
        if (address.IsIPv6Multicast || IsIPv4Multicast(address) || address.Equals(IPAddress.Broadcast))
        {
            return "multicast and broadcast addresses are never allowed";
        }
        if (address.IsIPv6LinkLocal || IsIPv4LinkLocal(address)) return "link-local addresses are never allowed";
        var ownPrefix = PrivateAddresses.OrgPrefix(org);
        if (PrivateAddresses.OrgKey(address) is { } key && key != PrivateAddresses.KeyOf(org))
        {
            return $"another org's private network is never allowed (org '{org}' has {ownPrefix})";
        }
        if (PrivateAddresses.IsFlycast(address))
        {
            return $"Flycast addresses ({PrivateAddresses.FlycastPrefix(org)} in org '{org}') are the gateways', never an instance's";
        }
        if (_reserved.Any(r => r.Port == endpoint.Port && (r.Address.Equals(address) || IsUnspecified(r.Address) || (IPAddress.IsLoopback(r.Address) && IPAddress.IsLoopback(address)))))
        {
            return "the cluster's own endpoints (silo, Orleans gateway, API and gateway admin ports) are never allowed";
        }
        if (_nodeAddresses.Contains(address)) return "the cluster's node addresses are never allowed";
        if (_public.Any(n => n.Contains(address))) return $"the platform's public addresses ({IpPoolKey}) are never allowed";
        if (PrivateAddresses.OrgKey(address) is not null) return null;
        if (AllowedFor(org).Any(n => n.Contains(address))) return null;
        if (IPAddress.IsLoopback(address))
        {
            return _allowLoopback ? null : $"loopback addresses are not allowed for org '{org}' ({AllowedKey})";
        }
        return $"addresses outside org '{org}''s private network {ownPrefix} are not allowed unless the operator allows their network ({AllowedKey})";
    }

    private const string IpPoolKey = "Mesh:IpPool";

    private IEnumerable<IPNetwork> AllowedFor(string org) =>
        (_allowed.GetValueOrDefault(org) ?? []).Concat(_allowed.GetValueOrDefault(EveryOrg) ?? []);

    private static IEnumerable<string> Split(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static bool IsUnspecified(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    private static bool IsIPv4LinkLocal(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes() is [169, 254, ..];

    private static bool IsIPv4Multicast(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetwork && address.GetAddressBytes()[0] is >= 224 and <= 239;
}
