using Mesh.Domain.Instances;
using Mesh.Domain.Ips;
using Mesh.Domain.Quotas;
using Mesh.Grains;
using Mesh.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Mesh.Tests.Boundary;

/// <summary>
/// Two in-process silos configured as an operator would for the org-boundary tests: small quotas
/// for the orgs <c>tiny</c> and <c>edge</c>, and <c>10.20.0.0/16</c> allowed for the org <c>lan</c>.
/// Loopback is not allowed for anyone (a cluster, not embedded mode).
/// </summary>
public sealed class BoundaryCluster : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(MeshStorage.Name);
            silo.Services.AddMeshGrainServices(dataKeys: Mesh.Tests.Infrastructure.InProcessCluster.TestKeys);
            silo.Services.Configure<IpPoolOptions>(o =>
            {
                o.SharedV4 = "127.78.0.1";
                o.DedicatedV4 = "127.78.1.0/24";
                o.DedicatedV6 = "fdaa:7465:7374::/64";
            });
            silo.Services.Configure<QuotaOptions>(o =>
            {
                o.Orgs["tiny"] = new QuotaOverrides { DedicatedV4 = 2, Apps = 3, Instances = 2, Certificates = 2 };
            });
            silo.Services.Configure<InstanceAddressOptions>(o => o.AllowedNetworks["lan"] = "10.20.0.0/16");
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
