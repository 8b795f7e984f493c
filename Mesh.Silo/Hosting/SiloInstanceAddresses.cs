using Mesh.Domain.Instances;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Silo.Hosting;

/// <summary>
/// The silo host's part of the instance-address policy. The silo and Orleans gateway ports of
/// every node come from membership; the host adds the endpoints only it knows (its API port),
/// and in embedded mode, where every instance runs on this host, allows loopback (unless
/// <c>Mesh:Instances:AllowLoopback=false</c>) while reserving the local gateway's default admin port.
/// </summary>
public static class SiloInstanceAddresses
{
    /// <summary>The gateway's default admin endpoint (Mesh:Gateway:AdminPort), which the quick start uses.</summary>
    public const string GatewayAdmin = "127.0.0.1:9091";

    /// <param name="reservedEndpoints">HOST:PORT endpoints of this silo besides Orleans' (e.g. the API's).</param>
    public static void Configure(IServiceCollection services, bool embedded, params string[] reservedEndpoints) =>
        services.PostConfigure<InstanceAddressOptions>(o =>
        {
            if (embedded) o.AllowLoopback ??= true;
            o.ReservedEndpoints = string.Join(",", new[] { o.ReservedEndpoints, embedded ? GatewayAdmin : null }
                .Concat(reservedEndpoints)
                .Where(e => !string.IsNullOrEmpty(e)));
        });
}
