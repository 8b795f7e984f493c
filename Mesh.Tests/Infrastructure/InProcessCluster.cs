using Mesh.Domain.Instances;
using Mesh.Domain.Ips;
using Mesh.Grains;
using Mesh.Hosting;
using Mesh.Security;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Two silos in this process with in-memory storage: the real grains behind the real
/// interfaces, for grain semantics. Shared by a test class; tests use their own app names.
/// </summary>
public class InProcessCluster : IAsyncLifetime
{
    /// <summary>The data keys the silos seal certificate keys with (one ring for the whole test run).</summary>
    public static DataKeyRing TestKeys { get; } = DataKeyRing.New();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMemoryGrainStorage(MeshStorage.Name);
            silo.Services.AddMeshGrainServices(dataKeys: TestKeys);
            silo.Services.Configure<IpPoolOptions>(o =>
            {
                o.SharedV4 = "127.78.0.1";
                o.DedicatedV4 = "127.78.1.0/24";
                o.DedicatedV6 = "fdaa:7465:7374::/64";
            });
            ConfigureOperatorSettings(silo.Services);
            ConfigureSilo(silo);
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>What the operator sets on every silo; by default, loopback instances are allowed (test instances run there).</summary>
    protected virtual void ConfigureOperatorSettings(IServiceCollection services) =>
        services.Configure<InstanceAddressOptions>(o => o.AllowedNetworks["*"] = "127.0.0.0/8");

    /// <summary>Anything else a test's cluster adds to each silo (call filters, say).</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo)
    {
    }

    public async Task DisposeAsync()
    {
        await Cluster.StopAllSilosAsync();
        await Cluster.DisposeAsync();
    }
}
