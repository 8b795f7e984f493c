using System.Collections.Immutable;
using System.Globalization;
using System.Net;
using Mesh.Domain.Regions;
using Mesh.Domain.Routing;

namespace Mesh.Gateway.Dns;

/// <summary>
/// Answers questions about the <c>.internal</c> zone the way the mirrored platform's private
/// network DNS does, from the route table alone (no I/O):
/// <list type="bullet">
/// <item>AAAA <c>APP.internal</c>, <c>REGION.APP.internal</c>, <c>topN.nearest.of.APP.internal</c>, <c>ID.vm.APP.internal</c>;</item>
/// <item>TXT <c>regions.APP.internal</c>, <c>vms.APP.internal</c>, <c>_apps.internal</c>, <c>_instances.internal</c>;</item>
/// <item>SOA and NS <c>internal</c>, AAAA <c>ns.internal</c> (the address the query came in on);</item>
/// <item>ANY about an existing name: RFC 8482's HINFO, never the name's records;</item>
/// <item>AAAA <c>APP.flycast</c>: the app's Flycast address in the asker's network, in the zone
/// <c>flycast</c>, which has the same apex records and rules.</item>
/// </list>
/// The asker's org is read from its private address; other orgs' names do not exist for it.
/// </summary>
public sealed class InternalDnsResolver(Func<string, string, double>? rtt = null)
{
    /// <summary>Every record lives 5 s: instances come and go faster than ordinary DNS expects.</summary>
    public const int TtlSeconds = 5;

    private const string Zone = "internal";
    private const string FlycastZone = "flycast";

    private readonly Func<string, string, double> _rtt = rtt ?? EstimatedRtt;
    // The index of the last table asked about; a new table replaces it (racing builders are
    // harmless: each builds the same thing from the same table).
    private volatile InternalDnsIndex _index = InternalDnsIndex.Empty;

    /// <summary>Round trip between two regions estimated from their distance; unknown regions sort last.</summary>
    public static double EstimatedRtt(string from, string to) =>
        RegionCatalog.Find(from) is { } a && RegionCatalog.Find(to) is { } b ? RttEstimator.EstimateMs(a, b) : double.MaxValue;

    /// <param name="table">The route table to answer from.</param>
    /// <param name="name">The asked name, any case, with or without the final dot.</param>
    /// <param name="type">The asked record type.</param>
    /// <param name="asker">The source address of the query: its org and region.</param>
    /// <param name="serverRegion">The region to measure "nearest" from when the asker's address names none.</param>
    /// <param name="server">The address the query came in on, for <c>ns.internal</c>; null or a wildcard when unknown.</param>
    public InternalDnsAnswer Resolve(RouteTableReplica table, string name, DnsQuestionType type, IPAddress asker, string serverRegion, IPAddress? server = null)
    {
        var answer = ResolveName(table, name, type, asker, serverRegion, server);
        // RFC 8482: an existing name answers ANY with one synthesized record rather than all of
        // its own (or none, which a resolver would cache as "no records of any type").
        return type == DnsQuestionType.Any && answer.Outcome == DnsOutcome.NoError ? InternalDnsAnswer.Of(ZoneRecord.AnyHinfo) : answer;
    }

    private InternalDnsAnswer ResolveName(RouteTableReplica table, string name, DnsQuestionType type, IPAddress asker, string serverRegion, IPAddress? server)
    {
        var (zoneName, labels) = LabelsUnderZone(name);
        if (labels is null)
        {
            // Not a recursive resolver: anything outside the zone is somebody else's.
            return InternalDnsAnswer.Refused;
        }
        var index = IndexFor(table);
        if (index.OrgOf(asker) is not { } org)
        {
            return InternalDnsAnswer.Refused;
        }
        if (zoneName == FlycastZone)
        {
            return ResolveFlycast(index, labels, type, asker) with { Apex = InternalZoneSoa.FlycastApex };
        }
        return labels switch
        {
            [] => type switch
            {
                DnsQuestionType.Soa => InternalDnsAnswer.Of(ZoneRecord.Soa),
                DnsQuestionType.Ns => InternalDnsAnswer.Of(ZoneRecord.Ns),
                _ => InternalDnsAnswer.NoData,
            },
            // The name server's name is the zone's, like _apps: an app called "ns" is not reachable as ns.internal.
            ["ns"] => InternalDnsAnswer.OfAddresses(type, NameServerAddresses(server)),
            ["_apps"] => InternalDnsAnswer.OfText(type, org.AppsText),
            ["_instances"] => InternalDnsAnswer.OfTexts(type, org.InstanceTexts),
            [.., var app] when org.App(app) is { } zone => ResolveInApp(zone, labels[..^1], type, index.RegionOf(asker) ?? serverRegion),
            _ => InternalDnsAnswer.NxDomain,
        };
    }

    /// <summary>
    /// <c>flycast</c>: the apex (SOA, NS) and one name per app with a Flycast address in the
    /// asker's network; everything else, another org's apps included, does not exist.
    /// </summary>
    private static InternalDnsAnswer ResolveFlycast(InternalDnsIndex index, string[] labels, DnsQuestionType type, IPAddress asker) => labels switch
    {
        [] => type switch
        {
            DnsQuestionType.Soa => InternalDnsAnswer.Of(ZoneRecord.Soa),
            DnsQuestionType.Ns => InternalDnsAnswer.Of(ZoneRecord.Ns),
            _ => InternalDnsAnswer.NoData,
        },
        [var app] when index.FlycastOf(asker, app) is { IsEmpty: false } addresses => InternalDnsAnswer.OfAddresses(type, addresses),
        _ => InternalDnsAnswer.NxDomain,
    };

    private InternalDnsAnswer ResolveInApp(AppZone app, string[] labels, DnsQuestionType type, string askerRegion) => labels switch
    {
        [] => InternalDnsAnswer.OfAddresses(type, app.Addresses),
        ["regions"] => InternalDnsAnswer.OfText(type, app.RegionsText),
        ["vms"] => InternalDnsAnswer.OfText(type, app.VmsText),
        // Empty non-terminals: names with names below them exist (RFC 8020), so a resolver that
        // walks down label by label does not stop at them.
        ["vm"] or ["of"] or ["nearest", "of"] => InternalDnsAnswer.NoData,
        [var region] when RegionCatalog.Find(region) is not null || app.HasRegion(region) => InternalDnsAnswer.OfAddresses(type, app.StartedIn(region)),
        [var id, "vm"] when app.TryFindVm(id, out var address) => address is null ? InternalDnsAnswer.NoData : InternalDnsAnswer.OfAddresses(type, [address]),
        [var top, "nearest", "of"] when TopCount(top) is { } count => InternalDnsAnswer.OfAddresses(type, Nearest(app, askerRegion, count)),
        _ => InternalDnsAnswer.NxDomain,
    };

    /// <summary>
    /// The address <c>ns.internal</c> has: the one the query came in on, when it is a specific
    /// IPv6 address (the private network is IPv6-only; a wildcard listener has no one address).
    /// </summary>
    private static ImmutableArray<IPAddress> NameServerAddresses(IPAddress? server) =>
        server is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } && !server.Equals(IPAddress.IPv6Any) && !server.IsIPv4MappedToIPv6
            ? [server]
            : [];

    /// <summary>The <paramref name="count"/> started instances nearest the region: its own first, then by RTT, ties by id.</summary>
    private ImmutableArray<IPAddress> Nearest(AppZone app, string region, int count) =>
        [.. app.Started
            .OrderBy(i => string.Equals(i.Region, region, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(i => _rtt(region, i.Region))
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .Take(count)
            .Select(i => i.Address)];

    private InternalDnsIndex IndexFor(RouteTableReplica table)
    {
        // By reference, not version: a publisher's new epoch can restart versions.
        var index = _index;
        if (ReferenceEquals(index.Source, table)) return index;
        index = InternalDnsIndex.Build(table);
        _index = index;
        return index;
    }

    /// <summary>The zone (<c>internal</c> or <c>flycast</c>) and the labels before it, lower-cased; null labels for a name outside both.</summary>
    private static (string? Zone, string[]? Labels) LabelsUnderZone(string name)
    {
        if (name.EndsWith('.')) name = name[..^1];
        var labels = name.ToLowerInvariant().Split('.');
        return labels[^1] is Zone or FlycastZone ? (labels[^1], labels[..^1]) : (null, null);
    }

    /// <summary>N of a <c>topN</c> label, at least 1; null for anything else.</summary>
    private static int? TopCount(string label) =>
        label.StartsWith("top", StringComparison.Ordinal)
        && int.TryParse(label.AsSpan(3), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
        && n > 0 ? n : null;
}
