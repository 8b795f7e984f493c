using Mesh.Domain.Routing;
using Mesh.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Routing;

/// <summary>Builds tables in this gateway's bind mode.</summary>
public sealed class TableFactory(IOptions<GatewayOptions> options)
{
    public GatewayTable Build(RouteTableReplica replica) => GatewayTable.Build(replica, options.Value.BindMode == BindMode.Wildcard);
}
