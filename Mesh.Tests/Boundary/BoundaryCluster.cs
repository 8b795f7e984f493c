using Mesh.Domain.Instances;
using Mesh.Domain.Quotas;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Tests.Boundary;

/// <summary>
/// Two in-process silos configured as an operator would for the org-boundary tests: small quotas
/// for the org <c>tiny</c>, and <c>10.20.0.0/16</c> allowed for the org <c>lan</c>.
/// Loopback is not allowed for anyone (a cluster, not embedded mode).
/// </summary>
public sealed class BoundaryCluster : InProcessCluster
{
    protected override void ConfigureOperatorSettings(IServiceCollection services)
    {
        services.Configure<QuotaOptions>(o =>
        {
            o.Orgs["tiny"] = new QuotaOverrides { DedicatedV4 = 2, Apps = 3, Instances = 2, Certificates = 2 };
        });
        services.Configure<InstanceAddressOptions>(o => o.AllowedNetworks["lan"] = "10.20.0.0/16");
    }
}
