using Mesh.Interfaces.Config;

namespace Mesh.Domain.Config;

/// <summary>
/// Checks an <see cref="AppConfig"/> the way a deploy must (DESIGN.md §2: "a clear error naming
/// the key"). Errors are what Fly rejects or what cannot work; the oddities real, accepted
/// configs contain (the corpus) are warnings: a port declared by two services, handlers on a
/// UDP service, a service with no ports, <c>internal_port = 0</c>.
/// </summary>
public static class ConfigValidator
{
    /// <summary>
    /// All problems, errors and warnings: service by service, then ports declared twice. <paramref name="servicePaths"/> names
    /// each service as the file does (<see cref="ConfigReadResult.ServicePaths"/>); without it,
    /// services are named <c>http_service</c> and <c>services[i]</c> by position.
    /// </summary>
    public static IReadOnlyList<ConfigProblem> Validate(AppConfig config, IReadOnlyList<string>? servicePaths = null)
    {
        var paths = servicePaths ?? PathsByPosition(config);
        if (paths.Count != config.Services.Length)
            throw new ArgumentException("one path per service is required", nameof(servicePaths));

        var problems = new List<ConfigProblem>();
        for (var i = 0; i < config.Services.Length; i++) ValidateService(config.Services[i], paths[i], problems);
        PortOverlaps.Check(config, paths, problems);
        // http_service shares its option tables between ports 80 and 443: report each problem once.
        return problems.Distinct().ToList();
    }

    /// <summary>Where a port's own keys live: <c>services[0].ports[1]</c>, or <c>http_service</c> for its expansion.</summary>
    internal static string PortPath(ServiceConfig service, string servicePath, int index) =>
        service.FromHttpService ? servicePath : $"{servicePath}.ports[{index}]";

    private static List<string> PathsByPosition(AppConfig config)
    {
        var paths = new List<string>();
        var index = 0;
        foreach (var service in config.Services) paths.Add(service.FromHttpService ? "http_service" : $"services[{index++}]");
        return paths;
    }

    private static void ValidateService(ServiceConfig service, string path, List<ConfigProblem> problems)
    {
        if (service.Protocol is not (ServiceConfig.Tcp or ServiceConfig.Udp))
            problems.Add(ConfigProblem.Error($"{path}.protocol", $"unknown protocol '{service.Protocol}' (valid: tcp, udp)"));

        // 0 is tolerated: corpus 021 deploys a UDP range with internal_port = 0. What an instance
        // port of 0 means for a range (same port as the public one?) is the proxy's decision.
        if (service.InternalPort is < 0 or > 65535)
            problems.Add(ConfigProblem.Error($"{path}.internal_port", $"{service.InternalPort} is outside 0..65535"));
        else if (service.InternalPort == 0)
            problems.Add(ConfigProblem.Warning($"{path}.internal_port", "0 is not a port an instance can listen on; accepted for compatibility"));

        if (service.Ports.IsEmpty)
            problems.Add(ConfigProblem.Warning(path, "no ports; the service gets no public listener"));

        for (var j = 0; j < service.Ports.Length; j++)
            PortRules.Check(service, service.Ports[j], PortPath(service, path, j), problems);

        ValidateConcurrency(service.Concurrency, $"{path}.concurrency", problems);

        var checksKey = service.FromHttpService ? "checks" : "http_checks";
        for (var k = 0; k < service.HttpChecks.Length; k++)
        {
            if (service.HttpChecks[k].Protocol is not ("http" or "https"))
                problems.Add(ConfigProblem.Error($"{path}.{checksKey}[{k}].protocol",
                    $"unknown protocol '{service.HttpChecks[k].Protocol}' (valid: http, https)"));
        }
    }

    private static void ValidateConcurrency(ConcurrencyConfig concurrency, string path, List<ConfigProblem> problems)
    {
        if (concurrency.Type is not (ConcurrencyConfig.Connections or ConcurrencyConfig.Requests))
            problems.Add(ConfigProblem.Error($"{path}.type", $"unknown type '{concurrency.Type}' (valid: connections, requests)"));
        if (concurrency.SoftLimit < 1)
            problems.Add(ConfigProblem.Error($"{path}.soft_limit", $"{concurrency.SoftLimit} is below 1"));
        if (concurrency.HardLimit is < 1)
            problems.Add(ConfigProblem.Error($"{path}.hard_limit", $"{concurrency.HardLimit} is below 1"));
        else if (concurrency.HardLimit is { } hard && concurrency.SoftLimit > hard)
            problems.Add(ConfigProblem.Error($"{path}.soft_limit", $"{concurrency.SoftLimit} is above hard_limit {hard}"));
    }
}
