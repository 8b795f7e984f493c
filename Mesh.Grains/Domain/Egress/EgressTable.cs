using System.Collections.Frozen;
using System.Net;
using System.Net.Sockets;
using Mesh.Domain.Regions;

namespace Mesh.Domain.Egress;

/// <summary>
/// The egress addresses of every configured region, validated once: an unknown region code or an
/// address of the wrong family is a configuration error naming the key, not a silent fallback.
/// </summary>
public sealed class EgressTable
{
    private readonly FrozenDictionary<string, EgressAddresses> _regions;

    private EgressTable(FrozenDictionary<string, EgressAddresses> regions) => _regions = regions;

    public static EgressTable From(RegionEgressOptions options)
    {
        var regions = new Dictionary<string, EgressAddresses>(StringComparer.OrdinalIgnoreCase);
        foreach (var (code, settings) in options.Regions)
        {
            if (RegionCatalog.Find(code) is null)
            {
                throw new MeshException("config_invalid", $"Mesh:Regions:{code}: unknown region '{code}'");
            }
            regions[code] = new EgressAddresses(
                Parse(settings.EgressV6, AddressFamily.InterNetworkV6, $"Mesh:Regions:{code}:EgressV6"),
                Parse(settings.EgressV4, AddressFamily.InterNetwork, $"Mesh:Regions:{code}:EgressV4"));
        }
        return new EgressTable(regions.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>The region's egress addresses; <see cref="EgressAddresses.None"/> when it has none configured.</summary>
    public EgressAddresses Of(string region) => _regions.GetValueOrDefault(region) ?? EgressAddresses.None;

    private static IPAddress? Parse(string? value, AddressFamily family, string key)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        if (!IPAddress.TryParse(value.Trim(), out var address) || address.AddressFamily != family)
        {
            var kind = family == AddressFamily.InterNetworkV6 ? "an IPv6" : "an IPv4";
            throw new MeshException("config_invalid", $"{key}: '{value}' is not {kind} address");
        }
        return address;
    }
}
