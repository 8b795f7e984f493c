using Mesh.Grains;
using Mesh.Hosting;
using Mesh.Security;
using Mesh.Silo.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using StackExchange.Redis;

namespace Mesh.Silo.Hosting;

/// <summary>Configures an Orleans silo for Mesh: mutual TLS, clustering and storage by mode, region in the silo name.</summary>
public static class MeshSiloBuilder
{
    public static void Configure(ISiloBuilder silo, SiloSettings settings, IConfiguration configuration, params string[] reservedEndpoints)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = settings.ClusterId;
            o.ServiceId = settings.ServiceId;
        });
        silo.Configure<SiloOptions>(o => o.SiloName = SiloNames.For(settings.Region, Environment.MachineName, settings.SiloPort));
        // One code path everywhere: embedded silos run the same mutual TLS, with material made in their data directory.
        var tls = new NodeTlsDirectory(settings.TlsDirectory);
        silo.UseClusterTls(tls);
        silo.Services.AddMeshGrainServices(configuration, tls.LoadDataKeys());
        // Orleans logs every failed handshake with a stack trace: a port scan or an RTT probe (a bare
        // TCP handshake) would flood the log. Refused certificates are logged once, with the reason, by ClusterTls.
        silo.Services.AddLogging(l => l.AddFilter("Orleans.Connections.Security", LogLevel.Error));
        SiloInstanceAddresses.Configure(silo.Services, settings.Embedded, reservedEndpoints);

        if (settings.Embedded)
        {
            // Localhost clustering advertises and listens on loopback only.
            silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, settings.ServiceId, settings.ClusterId);
            var stateDirectory = Path.Combine(settings.DataDirectory, "state");
            silo.Services.AddGrainStorage(MeshStorage.Name, (sp, _) =>
                new FileGrainStorage(stateDirectory, sp.GetRequiredService<IGrainStorageSerializer>()));
        }
        else
        {
            var redis = ConfigurationOptions.Parse(settings.Redis!);
            // Listen on the advertised address only: no port of a silo is open on a host address nobody was told about.
            silo.ConfigureEndpoints(settings.AdvertisedAddress, settings.SiloPort, settings.GatewayPort, listenOnAnyHostAddress: false);
            silo.UseRedisClustering(o => o.ConfigurationOptions = redis);
            silo.AddRedisGrainStorage(MeshStorage.Name, o => o.ConfigurationOptions = redis);
            // A silo killed without notice is declared dead after a few missed probes; on a
            // LAN a 2 s probe timeout is generous and keeps failover within seconds.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(2);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            });
        }
        // A state that cannot be read fails its grain loudly, not the silo (issue 9).
        silo.Services.ReportUnreadableState(MeshStorage.Name);
    }
}
