using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Domain.Regions;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh regions list</c>: the catalogue, and with <c>--rtt</c> the RTT matrix (measured values marked *).</summary>
internal static class RegionsCommand
{
    public static Command Build()
    {
        var rtt = new Option<bool>("--rtt") { Description = "Show the round-trip-time matrix (ms; * = measured)" };
        var list = new Command("list", "List regions").With(rtt).Runs(async (p, c) =>
        {
            // The API pages by code; the table keeps the catalogue's order, as it always had.
            var infos = (await c.Api.ListAsync<Mesh.Interfaces.Model.RegionInfo>("/v1/regions", c.Cancellation))
                .OrderBy(r => CatalogIndex(r.Code)).ThenBy(r => r.Code, StringComparer.Ordinal).ToArray();
            c.Out.Print(infos, r => p.GetValue(rtt) ? Matrix(r) : Plain(r));
        });
        return new Command("regions", "Regions of the mesh").With(list);
    }

    private static int CatalogIndex(string code)
    {
        var index = RegionCatalog.All.Select(r => r.Code).ToList().IndexOf(code);
        return index < 0 ? int.MaxValue : index;
    }

    private static string Plain(Mesh.Interfaces.Model.RegionInfo[] regions)
    {
        var table = new Table("CODE", "NAME", "LATITUDE", "LONGITUDE");
        foreach (var r in regions) table.Add(r.Code, r.Name, r.Latitude.ToString("0.00"), r.Longitude.ToString("0.00"));
        return table.ToString();
    }

    private static string Matrix(Mesh.Interfaces.Model.RegionInfo[] regions)
    {
        var table = new Table(["FROM", .. regions.Select(r => r.Code)]);
        foreach (var from in regions)
        {
            table.Add([from.Code, .. regions.Select(to => to.Code == from.Code ? "-" :
                from.Rtt.TryGetValue(to.Code, out var v) ? $"{v.Milliseconds:0}{(v.Measured ? "*" : "")}" : "?")]);
        }
        return table.ToString();
    }
}
