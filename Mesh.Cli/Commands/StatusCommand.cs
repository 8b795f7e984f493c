using System.CommandLine;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Cli.Output;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh status</c>: the cluster's silos with their regions, what the mesh holds, and any state it could not read.</summary>
internal static class StatusCommand
{
    public static Command Build() => new Command("status", "Show the cluster: silos, regions, apps, route table").Runs(async (p, c) =>
    {
        var api = await c.Api.GetAsync<ApiStatus>("/v1/status", c.Cancellation);
        var status = new Status(
            api.Members ?? [],
            api.Regions ?? [],
            api.Apps,
            api.Instances,
            api.RouteTableVersion,
            api.IpPool,
            api.StateProblems ?? []);
        c.Out.Print(status, s =>
        {
            var table = new Table("SILO", "REGION", "ADDRESS", "STATUS");
            foreach (var m in s.Members) table.Add(m.Name, m.Region, m.Address, m.Status);
            // A tenant's token sees no members: no empty silo table for it.
            var text = (s.Members.Count > 0 ? table + "\n" : "") + $"Regions: {string.Join(", ", s.Regions)}\nApps: {s.Apps}  Instances: {s.Instances}  Route table version: {s.RouteTableVersion}\n";
            if (s.IpPool is { } pool)
            {
                text += $"IPs: {pool.V6InUse} IPv6, {pool.DedicatedV4InUse}/{pool.DedicatedV4Size} dedicated IPv4, {pool.SharedV4Holders} apps on shared {pool.SharedV4Address}\n";
            }
            foreach (var problem in s.StateProblems) text += $"State problems: {OneLine.Of(problem)}\n";
            return text;
        });
    });

    private sealed record Status(
        IReadOnlyList<SiloMember> Members, IReadOnlyList<string> Regions, int Apps, int Instances, long RouteTableVersion,
        IpPoolUsage? IpPool, IReadOnlyList<string> StateProblems);
}
