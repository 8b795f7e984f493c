using System.Net;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The networks whose PROXY headers are believed (<c>Mesh:Gateway:TrustedProxies</c>, comma-separated
/// CIDRs or single addresses). Empty means every source is trusted: the behaviour before the
/// setting existed, announced once at start.
/// </summary>
public sealed class TrustedProxies
{
    private readonly IPNetwork[] _networks;

    private TrustedProxies(IPNetwork[] networks) => _networks = networks;

    public bool TrustsEveryone => _networks.Length == 0;

    /// <exception cref="FormatException">An entry that is neither a CIDR nor an address, named in the message.</exception>
    public static TrustedProxies Parse(string? text)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                throw new FormatException($"Mesh:Gateway:TrustedProxies: '{entry}' is not a CIDR or an IP address");
            }
        }
        return new TrustedProxies([.. networks]);
    }

    public bool Trusts(EndPoint? source)
    {
        if (TrustsEveryone) return true;
        if (source is not IPEndPoint ip) return false;
        // A dual-mode socket reports IPv4 peers as ::ffff:a.b.c.d; the operator writes a.b.c.d/n.
        var address = ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address;
        foreach (var network in _networks)
        {
            if (network.Contains(address)) return true;
        }
        return false;
    }
}
