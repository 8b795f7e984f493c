using System.Collections.Frozen;

namespace Mesh.Domain.Regions;

/// <summary>The regions Mesh knows, with the codes of the platform it mirrors.</summary>
public static class RegionCatalog
{
    public static IReadOnlyList<RegionDefinition> All { get; } =
    [
        new("ams", "Amsterdam, Netherlands", 52.37, 4.90),
        new("arn", "Stockholm, Sweden", 59.65, 17.93),
        new("bom", "Mumbai, India", 19.08, 72.88),
        new("cdg", "Paris, France", 48.86, 2.35),
        new("dfw", "Dallas, Texas (US)", 32.78, -96.80),
        new("ewr", "Secaucus, NJ (US)", 40.79, -74.06),
        new("fra", "Frankfurt, Germany", 50.11, 8.68),
        new("gru", "Sao Paulo, Brazil", -23.55, -46.63),
        new("iad", "Ashburn, Virginia (US)", 39.04, -77.49),
        new("jnb", "Johannesburg, South Africa", -26.20, 28.05),
        new("lax", "Los Angeles, California (US)", 34.05, -118.24),
        new("lhr", "London, United Kingdom", 51.51, -0.13),
        new("nrt", "Tokyo, Japan", 35.68, 139.69),
        new("ord", "Chicago, Illinois (US)", 41.88, -87.63),
        new("scl", "Santiago, Chile", -33.45, -70.67),
        new("sea", "Seattle, Washington (US)", 47.61, -122.33),
        new("sin", "Singapore, Singapore", 1.35, 103.82),
        new("sjc", "San Jose, California (US)", 37.34, -121.89),
        new("syd", "Sydney, Australia", -33.87, 151.21),
        new("yyz", "Toronto, Canada", 43.65, -79.38),
    ];

    private static readonly FrozenDictionary<string, RegionDefinition> ByCode =
        All.ToFrozenDictionary(r => r.Code, StringComparer.OrdinalIgnoreCase);

    public static RegionDefinition? Find(string code) => ByCode.GetValueOrDefault(code);

    public static RegionDefinition Get(string code) => Find(code)
        ?? throw new MeshException("unknown_region", $"unknown region '{code}' (known: {string.Join(", ", All.Select(r => r.Code))})");
}
