using Mesh.Domain.Instances;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Silo.Hosting;

/// <summary>
/// Embedded mode's instance-address defaults: every instance runs on this host, so loopback is
/// allowed (unless <c>Mesh:Instances:AllowLoopback=false</c>), while the ports of the mesh itself
/// stay refused: the silo and Orleans gateway ports come from membership; the local gateway's
/// default admin port is reserved here.
/// </summary>
public static class EmbeddedInstanceAddresses
{
    /// <summary>The gateway's default admin endpoint (Mesh:Gateway:AdminPort), which the quick start uses.</summary>
    public const string GatewayAdmin = "127.0.0.1:9091";

    public static void Configure(IServiceCollection services, params string[] reservedEndpoints) =>
        services.PostConfigure<InstanceAddressOptions>(o =>
        {
            o.AllowLoopback ??= true;
            o.ReservedEndpoints = string.Join(",", new[] { o.ReservedEndpoints, GatewayAdmin }.Concat(reservedEndpoints).Where(e => !string.IsNullOrEmpty(e)));
        });
}
