using System.Collections.Immutable;
using Mesh.Acme;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Certificates;

/// <summary>
/// Which ACME challenges a gateway can answer for an app: TLS-ALPN-01 when the app serves TLS on
/// 443, HTTP-01 when it serves HTTP on 80. The shared IPv4 always serves both (the gateway ends
/// TLS and HTTP there for every app), so an app on it gets both, TLS-ALPN-01 first.
/// </summary>
public static class ChallengePreference
{
    public static ImmutableArray<string> For(ImmutableArray<ServiceConfig> services, IEnumerable<IpAssignment> ips)
    {
        var onShared = ips.Any(i => i.Kind == IpKind.SharedV4);
        var ports = services.Where(s => s.Protocol == ServiceConfig.Tcp).SelectMany(s => s.Ports).ToList();
        var tls443 = onShared || ports.Any(p => Covers(p, 443) && p.Handlers.Contains("tls"));
        var http80 = onShared || ports.Any(p => Covers(p, 80) && p.Handlers.Contains("http"));
        return [.. (tls443 ? [AcmeChallengeType.TlsAlpn01] : Array.Empty<string>()), .. (http80 ? [AcmeChallengeType.Http01] : Array.Empty<string>())];
    }

    private static bool Covers(PortConfig port, int number) =>
        port.Port == number || (port.StartPort <= number && number <= port.EndPort);
}
