using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Ips;

/// <summary>
/// Which addresses a first deploy gives an app (spec "IP addresses"): a dedicated IPv6 when it
/// runs a public service, plus the shared IPv4 when it serves HTTP on 80 or TLS+HTTP on 443.
/// A dedicated IPv4 is never automatic.
/// </summary>
public static class IpRules
{
    public static IReadOnlyList<IpKind> FirstDeploy(AppConfig config)
    {
        if (!config.HasPublicService)
        {
            return [];
        }
        return ServesWebOnStandardPorts(config) ? [IpKind.V6, IpKind.SharedV4] : [IpKind.V6];
    }

    public static bool ServesWebOnStandardPorts(AppConfig config) =>
        config.Services
            .Where(s => s.Protocol == ServiceConfig.Tcp)
            .SelectMany(s => s.Ports)
            .Any(p => (p.Port == 80 && p.Handlers.SequenceEqual([Handlers.Http]))
                   || (p.Port == 443 && p.Handlers.OrderBy(h => h, StringComparer.Ordinal).SequenceEqual([Handlers.Http, Handlers.Tls])));
}
