using Mesh.Interfaces.Config;

namespace Mesh.Domain.Ips;

/// <summary>
/// Where UDP services are served: on the app's dedicated IPv4 only, as on the mirrored platform
/// ("one reason to use a dedicated IP is if your app needs to do something over UDP"); never on
/// the shared IPv4 (which routes by Host and SNI, which datagrams do not carry) nor on IPv6.
/// </summary>
public static class UdpServices
{
    /// <summary>
    /// A deploy warning for each UDP service with ports, naming the service as the file does
    /// (<paramref name="servicePaths"/>, one per service) and its ports, for an app that holds no
    /// dedicated IPv4. The service is deployed anyway: it starts working when one is allocated.
    /// </summary>
    public static IReadOnlyList<string> WarningsWithoutDedicatedV4(AppConfig config, IReadOnlyList<string> servicePaths)
    {
        var warnings = new List<string>();
        for (var i = 0; i < config.Services.Length; i++)
        {
            var service = config.Services[i];
            if (service.Protocol != ServiceConfig.Udp || service.Ports.IsEmpty) continue;
            var path = i < servicePaths.Count ? servicePaths[i] : $"services[{i}]";
            var ports = string.Join(", ", service.Ports.Select(p => p.Port is { } single ? $"{single}" : $"{p.FirstPort}-{p.LastPort}"));
            var one = service.Ports.Length == 1 && service.Ports[0].Port is not null;
            warnings.Add($"{path}: udp {(one ? "port" : "ports")} {ports} {(one ? "is" : "are")} served on a dedicated IPv4 address only, and this app has none; "
                + "the service starts working when one is allocated (`mesh ips allocate-v4`)");
        }
        return warnings;
    }
}
