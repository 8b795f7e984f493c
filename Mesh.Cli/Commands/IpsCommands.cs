using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Domain;
using Mesh.Domain.Ips;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh ips list|allocate-v4 [--shared]|allocate-v6 [--private [--org ORG]]|release ADDRESS</c>.</summary>
internal static class IpsCommands
{
    public static Command Build()
    {
        var app = CommandExtensions.AppOption();
        var list = new Command("list", "List the app's IP addresses").With(app).Runs(async (p, c) =>
        {
            var ips = await c.Api.ListAsync<IpAssignment>($"/v1/apps/{ApiClient.Segment(p.GetValue(app)!)}/ips", c.Cancellation);
            var rows = ips.Select(i => new IpRow(
                i.Kind is IpKind.V6 or IpKind.PrivateV6 ? "v6" : "v4", i.Address, i.Kind, IpPricing.Describe(i.Kind),
                IpPricing.MonthlyPrice(i.Kind), i.Region, i.AllocatedAt, i.Network)).ToList();
            c.Out.Print(rows, r =>
            {
                var table = new Table("VERSION", "IP", "TYPE", "REGION", "CREATED AT");
                foreach (var i in r) table.Add(i.Version, i.Address, i.Type, i.Region, i.CreatedAt.ToString("u"));
                return table.ToString();
            });
        });

        var app4 = CommandExtensions.AppOption();
        var shared = new Option<bool>("--shared") { Description = "Allocate the shared IPv4 instead of a dedicated one" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Accepted for flyctl compatibility" };
        var v4 = new Command("allocate-v4", "Allocate an IPv4 address (dedicated, billed monthly; or --shared)").With(app4, shared, yes)
            .Runs((p, c) => Allocate(c, p.GetValue(app4)!, p.GetValue(shared) ? IpKind.SharedV4 : IpKind.V4));

        var app6 = CommandExtensions.AppOption();
        var privately = new Option<bool>("--private") { Description = "Allocate a private (Flycast) address: reachable from the org's private network only, through the gateways" };
        var org = new Option<string?>("--org") { Description = "With --private: the org whose private network the address is in (default: the app's)" };
        var v6 = new Command("allocate-v6", "Allocate a dedicated IPv6 address, or with --private a Flycast address").With(app6, privately, org)
            .Runs((p, c) =>
            {
                var network = p.GetValue(org);
                if (network is not null && !p.GetValue(privately)) throw new MeshException("invalid_request", "--org applies only with --private");
                return p.GetValue(privately)
                    ? Allocate(c, p.GetValue(app6)!, IpKind.PrivateV6, network)
                    : Allocate(c, p.GetValue(app6)!, IpKind.V6);
            });

        var appR = CommandExtensions.AppOption();
        var address = new Argument<string>("address") { Description = "The address to release" };
        var release = new Command("release", "Release an IP address").With(address, appR).Runs(async (p, c) =>
        {
            var a = p.GetValue(address)!;
            var name = p.GetValue(appR)!;
            await c.Api.DeleteAsync($"/v1/apps/{ApiClient.Segment(name)}/ips/{ApiClient.Segment(a)}", c.Cancellation);
            c.Out.Print(new { released = a, app = name }, _ => $"Released {a} from {name}\n");
        });

        return new Command("ips", "Manage the app's IP addresses").With(list, v4, v6, release);
    }

    private static async Task Allocate(CliContext c, string app, IpKind kind, string? org = null)
    {
        var ip = await c.Api.PostAsync<IpAssignment>($"/v1/apps/{ApiClient.Segment(app)}/ips", new AllocateIpRequest(kind, org), c.Cancellation);
        c.Out.Print(ip, i => i.Kind == IpKind.PrivateV6
            ? $"Allocated {IpPricing.Describe(i.Kind)} address {i.Address} to {app} in org {i.Network}'s private network ({app}.flycast)\n"
            : $"Allocated {IpPricing.Describe(i.Kind)} address {i.Address} to {app}\n");
    }

    /// <param name="Network">For a private address: the org whose private network it is in.</param>
    private sealed record IpRow(string Version, string Address, IpKind Kind, string Type, decimal MonthlyPriceUsd, string Region, DateTimeOffset CreatedAt, string? Network);
}
