using Mesh.Domain.Regions;

namespace Mesh.Gateway.Http;

/// <summary>
/// Reads <c>Fly-Prefer-Region</c> / <c>Fly-Force-Region</c>: a comma-separated, ordered list of
/// region codes or aliases (<c>eu</c>, <c>na</c>, <c>apac</c>, <c>sa</c>, <c>af</c>). Unknown
/// entries are ignored.
/// </summary>
public static class RegionPreferences
{
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["eu"] = ["ams", "fra", "lhr", "cdg", "arn"],
        ["na"] = ["iad", "ewr", "ord", "dfw", "yyz", "sjc", "lax", "sea"],
        ["us"] = ["iad", "ewr", "ord", "dfw", "sjc", "lax", "sea"],
        ["apac"] = ["nrt", "sin", "syd", "bom"],
        ["sa"] = ["gru", "scl"],
        ["af"] = ["jnb"],
    };

    public static IReadOnlyList<string> Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return [];
        var regions = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (Aliases.TryGetValue(part, out var members)) regions.AddRange(members);
            else if (RegionCatalog.Find(part) is { } r) regions.Add(r.Code);
        }
        return regions.Distinct().ToList();
    }
}
