using System.Net;
using Mesh.Domain.Ips;

namespace Mesh.Domain.Instances;

/// <summary>The platform's public address pools as networks: gateways listen there, so no instance may be there.</summary>
public static class PublicNetworks
{
    public static IReadOnlyList<IPNetwork> Of(IpPoolOptions pools)
    {
        var networks = new List<IPNetwork>();
        foreach (var text in new[] { pools.DedicatedV4, pools.DedicatedV6 })
        {
            if (IPNetwork.TryParse(text, out var network)) networks.Add(network);
        }
        if (IPAddress.TryParse(pools.SharedV4, out var shared)) networks.Add(new IPNetwork(shared, shared.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
        return networks;
    }
}
