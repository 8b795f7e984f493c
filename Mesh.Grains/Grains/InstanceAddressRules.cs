using System.Net;
using Mesh.Domain.Instances;
using Mesh.Domain.Ips;
using Microsoft.Extensions.Options;

namespace Mesh.Grains;

/// <summary>The silo's instance-address policy: the operator's <c>Mesh:Instances</c> options, this cluster's pools and its nodes.</summary>
public sealed class InstanceAddressRules(IOptions<InstanceAddressOptions> options, IOptions<IpPoolOptions> pools)
{
    private readonly IReadOnlyList<IPNetwork> _public = PublicNetworks.Of(pools.Value);

    public InstanceAddressPolicy For(IEnumerable<string> nodeEndpoints) => InstanceAddressPolicy.From(
        options.Value,
        nodeEndpoints.Select(e => IPEndPoint.TryParse(e, out var ep) ? ep : null).OfType<IPEndPoint>(),
        _public);
}
