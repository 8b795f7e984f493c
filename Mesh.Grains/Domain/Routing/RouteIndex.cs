using System.Collections.Frozen;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Routing;

/// <summary>
/// The lookups a gateway makes per connection, built once per table version: which app owns a
/// dedicated address, which app and certificate serve a hostname, and each app's instances.
/// Frozen dictionaries: built rarely, read on every connection.
/// </summary>
public sealed class RouteIndex
{
    private RouteIndex(
        long version,
        FrozenDictionary<string, AppRoute> byAddress,
        FrozenDictionary<string, (AppRoute App, CertificateRoute Certificate)> byHostname,
        FrozenDictionary<string, InstanceRoute[]> instancesByApp,
        FrozenSet<string> sharedAddresses)
    {
        Version = version;
        ByAddress = byAddress;
        ByHostname = byHostname;
        InstancesByApp = instancesByApp;
        SharedAddresses = sharedAddresses;
    }

    public long Version { get; }

    /// <summary>Dedicated addresses (v6, v4) to the app holding them.</summary>
    public FrozenDictionary<string, AppRoute> ByAddress { get; }

    /// <summary>Hostnames (lower case) to the app and the certificate it serves for them.</summary>
    public FrozenDictionary<string, (AppRoute App, CertificateRoute Certificate)> ByHostname { get; }

    public FrozenDictionary<string, InstanceRoute[]> InstancesByApp { get; }

    /// <summary>Shared IPv4 addresses in use: the app is chosen by SNI or Host there.</summary>
    public FrozenSet<string> SharedAddresses { get; }

    public static RouteIndex Build(RouteTableReplica table)
    {
        var byAddress = new Dictionary<string, AppRoute>(StringComparer.OrdinalIgnoreCase);
        var byHostname = new Dictionary<string, (AppRoute, CertificateRoute)>(StringComparer.OrdinalIgnoreCase);
        var shared = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var app in table.Apps.Values)
        {
            foreach (var ip in app.Ips)
            {
                if (ip.Kind == IpKind.SharedV4) shared.Add(ip.Address);
                else byAddress[ip.Address] = app;
            }
            foreach (var cert in app.Certificates)
            {
                byHostname[cert.Hostname] = (app, cert);
            }
        }
        var instances = table.Instances.Values
            .GroupBy(i => i.App, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderBy(i => i.Id, StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);
        return new RouteIndex(
            table.Version,
            byAddress.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            byHostname.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            instances.ToFrozenDictionary(StringComparer.Ordinal),
            shared.ToFrozenSet(StringComparer.OrdinalIgnoreCase));
    }
}
