using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh status</c>: the cluster's silos with their regions, and what the mesh holds.</summary>
internal static class StatusCommand
{
    public static Command Build() => new Command("status", "Show the cluster: silos, regions, apps, route table").Runs(async (p, c) =>
    {
        var members = await c.Grains.GetGrain<IClusterInfoGrain>(0).Members();
        var apps = await c.Grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null);
        var routes = await c.Grains.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot();
        var usage = await c.Grains.GetGrain<IIpPoolGrain>("default").Usage();
        var status = new Status(
            members,
            [.. members.Where(m => m.Status == "Active").Select(m => m.Region).Distinct().Order()],
            apps.Length,
            routes.Instances.Length,
            routes.Version,
            usage);
        c.Out.Print(status, s =>
        {
            var table = new Table("SILO", "REGION", "ADDRESS", "STATUS");
            foreach (var m in s.Members) table.Add(m.Name, m.Region, m.Address, m.Status);
            return table + $"\nRegions: {string.Join(", ", s.Regions)}\nApps: {s.Apps}  Instances: {s.Instances}  Route table version: {s.RouteTableVersion}\n"
                + $"IPs: {s.IpPool.V6InUse} IPv6, {s.IpPool.DedicatedV4InUse}/{s.IpPool.DedicatedV4Size} dedicated IPv4, {s.IpPool.SharedV4Holders} apps on shared {s.IpPool.SharedV4Address}\n";
        });
    });

    private sealed record Status(IReadOnlyList<SiloMember> Members, IReadOnlyList<string> Regions, int Apps, int Instances, long RouteTableVersion, IpPoolUsage IpPool);
}
