using Mesh.Domain.Egress;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Tests.Egress;

/// <summary>The in-process cluster with egress addresses for ams (both families) and iad (IPv6 only), as an operator would set them on every silo.</summary>
public sealed class EgressCluster : InProcessCluster
{
    protected override void ConfigureOperatorSettings(IServiceCollection services)
    {
        base.ConfigureOperatorSettings(services);
        services.Configure<RegionEgressOptions>(o =>
        {
            o.Regions["ams"] = new RegionEgressSettings { EgressV6 = "2001:db8:ee::11", EgressV4 = "198.51.100.11" };
            o.Regions["iad"] = new RegionEgressSettings { EgressV6 = "2001:db8:ee::12" };
        });
    }
}
