using System.Collections.Concurrent;
using System.Net;
using Mesh.Domain.Instances;
using Mesh.Domain.Routing;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Builds tables in this gateway's bind mode, under the instance-address policy: the operator's
/// <c>Mesh:Instances</c> options (the same as the silos'), the cluster's nodes (kept current by
/// <see cref="ClusterNodesWatcher"/>), this gateway's own admin endpoint and every public address
/// in the table. A refused instance is counted and logged once, and never dialled.
/// </summary>
public sealed partial class TableFactory(
    IOptions<GatewayOptions> options,
    IOptions<InstanceAddressOptions> instanceOptions,
    GatewayInstanceRules rules,
    GatewayMetrics metrics,
    CertificateCache certificates,
    ILogger<TableFactory> logger)
{
    private volatile IPEndPoint[] _nodes = rules.InitialNodes();
    private readonly ConcurrentDictionary<(string, string), bool> _reported = new();

    public GatewayTable Build(RouteTableReplica replica)
    {
        var publicNetworks = replica.Apps.Values.SelectMany(a => a.Ips)
            .Select(i => IPAddress.TryParse(i.Address, out var a) ? new IPNetwork(a, a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128) : (IPNetwork?)null)
            .OfType<IPNetwork>()
            .Distinct();
        var policy = InstanceAddressPolicy.From(instanceOptions.Value, [.. _nodes, .. rules.OwnEndpoints()], publicNetworks, rules.Embedded);
        var table = GatewayTable.Build(replica, options.Value.BindMode == BindMode.Wildcard, (app, instance) => Refusal(policy, app, instance));
        // Before the table is published: its certificates' contexts (and OCSP fetches) are made
        // here, never on a handshake.
        certificates.Prepare(table);
        foreach (var (instance, rule) in table.RefusedInstances)
        {
            if (_reported.TryAdd((instance.Id, rule), true))
            {
                metrics.Error(ErrorReasons.InstanceAddressRefused);
                LogRefused(instance.Id, instance.App, rule);
            }
        }
        return table;
    }

    /// <summary>Takes the cluster's current node endpoints; true when they changed (the table should be rebuilt).</summary>
    public bool SetNodes(IReadOnlyCollection<IPEndPoint> nodes)
    {
        var current = _nodes;
        if (current.Length == nodes.Count && current.All(nodes.Contains)) return false;
        _nodes = [.. nodes];
        return true;
    }

    /// <summary>Every endpoint the data path (and the health checks) would dial for the instance must be allowed.</summary>
    private static string? Refusal(InstanceAddressPolicy policy, AppRoute app, InstanceRoute instance)
    {
        foreach (var service in app.Services)
        {
            if (InstanceEndpoints.For(instance, app, service) is not { } endpoint) continue;
            if (endpoint.Address.Equals(IPAddress.Any) || endpoint.Address.Equals(IPAddress.IPv6Any))
            {
                return $"instance address {instance.Address}: an unspecified host is dialled at the instance's private address, and it has none";
            }
            if (policy.Refusal(app.Org, endpoint) is { } rule) return $"instance address {endpoint}: {rule}";
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {Id} of {App} is not dialled: {Rule}")]
    private partial void LogRefused(string id, string app, string rule);
}
