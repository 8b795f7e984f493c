using System.Net;
using Mesh.Gateway.Connections;
using Microsoft.Extensions.Configuration;

namespace Mesh.Gateway.Hosting;

/// <summary>
/// The settings checked before the host starts, so that a bad value stops the gateway in one
/// line naming it, not at its first connection or table: the admin endpoint, the instance-address
/// policy and <c>Mesh:Gateway:TrustedProxies</c>.
/// </summary>
internal sealed record StartupChecks(IPAddress AdminAddress, int AdminPort, TrustedProxies TrustedProxies)
{
    /// <returns>The checked settings, or null with the one-line <paramref name="error"/>.</returns>
    public static StartupChecks? Run(IConfiguration configuration, out string? error)
    {
        error = null;
        var defaults = new GatewayOptions();
        var adminPort = configuration.GetValue<int?>($"{GatewayOptions.Section}:AdminPort") ?? defaults.AdminPort;
        var adminAddressText = configuration[$"{GatewayOptions.Section}:AdminAddress"] ?? defaults.AdminAddress;
        if (!IPAddress.TryParse(adminAddressText, out var adminAddress))
        {
            error = $"Mesh:Gateway:AdminAddress '{adminAddressText}' is not an IP address";
            return null;
        }
        try
        {
            // A bad Mesh:Instances value stops the gateway here, in one line, not at its first table.
            Mesh.Domain.Instances.InstanceAddressPolicy.From(
                configuration.GetSection(Mesh.Domain.Instances.InstanceAddressOptions.Section).Get<Mesh.Domain.Instances.InstanceAddressOptions>() ?? new(), [], []);
        }
        catch (Mesh.Domain.MeshException e)
        {
            error = e.Message;
            return null;
        }
        try
        {
            return new StartupChecks(adminAddress, adminPort, TrustedProxies.Parse(configuration[$"{GatewayOptions.Section}:TrustedProxies"]));
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }
    }
}
