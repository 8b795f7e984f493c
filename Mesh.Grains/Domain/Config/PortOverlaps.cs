using Mesh.Interfaces.Config;

namespace Mesh.Domain.Config;

/// <summary>
/// Public ports declared more than once for the same protocol. Within one service that is a
/// mistake (error); across services real configs do it (corpus 126 declares 80/443 in both
/// <c>[http_service]</c> and <c>[[services.ports]]</c>), and the first declaration in flyctl's
/// service order wins, so it is a warning.
/// </summary>
internal static class PortOverlaps
{
    private sealed record Declaration(string Protocol, int First, int Last, int Service, string Path);

    public static void Check(AppConfig config, IReadOnlyList<string> paths, List<ConfigProblem> problems)
    {
        var declared = new List<Declaration>();
        for (var i = 0; i < config.Services.Length; i++)
        {
            var service = config.Services[i];
            for (var j = 0; j < service.Ports.Length; j++)
            {
                var port = service.Ports[j];
                // Ports without numbers or with a reversed range already have their own error.
                if (port is { Port: null, StartPort: null, EndPort: null } || port.FirstPort > port.LastPort) continue;

                var path = ConfigValidator.PortPath(service, paths[i], j);
                var what = port.Port is { } single
                    ? $"port {single}/{service.Protocol}"
                    : $"ports {port.FirstPort}-{port.LastPort}/{service.Protocol}";
                var earlier = declared.FirstOrDefault(d =>
                    d.Protocol == service.Protocol && d.First <= port.LastPort && port.FirstPort <= d.Last);
                if (earlier is not null && earlier.Service == i)
                    problems.Add(ConfigProblem.Error(path, $"{what} is already declared by {earlier.Path}"));
                else if (earlier is not null)
                    problems.Add(ConfigProblem.Warning(path, $"{what} is also declared by {earlier.Path}, which comes first and wins"));
                declared.Add(new Declaration(service.Protocol, port.FirstPort, port.LastPort, i, path));
            }
        }
    }
}
