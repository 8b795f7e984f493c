using Mesh.Interfaces.Config;

namespace Mesh.Domain.Config;

/// <summary>The checks on one port of a service (<see cref="ConfigValidator"/> runs them for every port).</summary>
internal static class PortRules
{
    private static readonly string[] TlsVersions = ["TLSv1.2", "TLSv1.3"];
    private static readonly string[] ProxyProtoVersions = ["v1", "v2"];

    public static void Check(ServiceConfig service, PortConfig port, string path, List<ConfigProblem> problems)
    {
        CheckNumbers(port, path, problems);

        foreach (var handler in port.Handlers)
        {
            if (!Handlers.IsKnown(handler))
                problems.Add(ConfigProblem.Error($"{path}.handlers",
                    $"unknown handler '{handler}' (valid: {string.Join(", ", Handlers.All)})"));
        }
        // Fly rejects the deploy: a redirect to https needs the http handler to speak HTTP.
        if (port.ForceHttps && !port.Has(Handlers.Http))
            problems.Add(ConfigProblem.Error($"{path}.force_https",
                $"needs the http handler (handlers: [{string.Join(", ", port.Handlers)}])"));
        // Corpus 020 keeps handlers = ['tls'] on a UDP service; handlers work on TCP streams only.
        if (service.Protocol == ServiceConfig.Udp && !port.Handlers.IsEmpty)
            problems.Add(ConfigProblem.Warning($"{path}.handlers",
                $"handlers [{string.Join(", ", port.Handlers)}] apply to tcp only; not applied on a udp service"));

        if (port.TlsOptions is { } tls)
        {
            CheckOneOf(tls.Versions, TlsVersions, "TLS version", $"{path}.tls_options.versions", problems);
            if (!port.Has(Handlers.Tls) && !port.Has(Handlers.PgTls))
                problems.Add(ConfigProblem.Warning($"{path}.tls_options", "no effect without the tls or pg_tls handler"));
        }
        if (port.HttpOptions is { } http)
        {
            if (http.IdleTimeoutSeconds is < 0)
                problems.Add(ConfigProblem.Error($"{path}.http_options.idle_timeout", $"{http.IdleTimeoutSeconds} is negative"));
            if (http.HeadersReadTimeoutSeconds is < 0)
                problems.Add(ConfigProblem.Error($"{path}.http_options.headers_read_timeout", $"{http.HeadersReadTimeoutSeconds} is negative"));
            if (!port.Has(Handlers.Http))
                problems.Add(ConfigProblem.Warning($"{path}.http_options", "no effect without the http handler"));
        }
        if (port.ProxyProtoOptions is { } proxy)
        {
            CheckOneOf([proxy.Version], ProxyProtoVersions, "version", $"{path}.proxy_proto_options.version", problems);
            if (!port.Has(Handlers.ProxyProto))
                problems.Add(ConfigProblem.Warning($"{path}.proxy_proto_options", "no effect without the proxy_proto handler"));
        }
    }

    private static void CheckNumbers(PortConfig port, string path, List<ConfigProblem> problems)
    {
        if (port.Port is null && port.StartPort is null && port.EndPort is null)
        {
            problems.Add(ConfigProblem.Error(path, "needs port, or start_port and end_port"));
            return;
        }
        CheckRange(port.Port, "port", path, problems);
        CheckRange(port.StartPort, "start_port", path, problems);
        CheckRange(port.EndPort, "end_port", path, problems);
        if (port.StartPort is { } start && port.EndPort is { } end && start > end)
            problems.Add(ConfigProblem.Error($"{path}.start_port", $"{start} is greater than end_port {end}"));
        else if (port.Port is null && (port.StartPort is null || port.EndPort is null))
            // fly-go's ContainsPort reads a missing bound as 0 / 65535; legal, but rarely meant.
            problems.Add(ConfigProblem.Warning(path, $"open-ended range; covers ports {port.FirstPort}-{port.LastPort}"));
    }

    private static void CheckRange(int? value, string key, string path, List<ConfigProblem> problems)
    {
        if (value is < 1 or > 65535)
            problems.Add(ConfigProblem.Error($"{path}.{key}", $"{value} is outside 1..65535"));
    }

    private static void CheckOneOf(IEnumerable<string> values, string[] valid, string what, string path, List<ConfigProblem> problems)
    {
        foreach (var value in values)
        {
            if (!valid.Contains(value))
                problems.Add(ConfigProblem.Error(path, $"unknown {what} '{value}' (valid: {string.Join(", ", valid)})"));
        }
    }
}
