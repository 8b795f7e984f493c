using Mesh.Domain;
using Mesh.Domain.Config;
using Xunit;

namespace Mesh.Tests.Config;

public sealed class ConfigValidatorTests
{
    private static string LoadError(string toml) =>
        Assert.Throws<MeshException>(() => FlyToml.Load(toml)).Message;

    private static string OnePort(string keys, string service = "") => $"""
        [[services]]
          {service}
          [[services.ports]]
            {keys}
        """;

    [Theory]
    [InlineData("port = 80\nhandlers = [\"bogus\"]",
        "services[0].ports[0].handlers: unknown handler 'bogus' (valid: http, tls, pg_tls, proxy_proto)")]
    [InlineData("port = 443\nhandlers = [\"tls\"]\nforce_https = true",
        "services[0].ports[0].force_https: needs the http handler (handlers: [tls])")]
    [InlineData("port = 0", "services[0].ports[0].port: 0 is outside 1..65535")]
    [InlineData("port = 70000", "services[0].ports[0].port: 70000 is outside 1..65535")]
    [InlineData("start_port = 0\nend_port = 10", "services[0].ports[0].start_port: 0 is outside 1..65535")]
    [InlineData("start_port = 10\nend_port = 65536", "services[0].ports[0].end_port: 65536 is outside 1..65535")]
    [InlineData("start_port = 9000\nend_port = 8000", "services[0].ports[0].start_port: 9000 is greater than end_port 8000")]
    [InlineData("handlers = [\"http\"]", "services[0].ports[0]: needs port, or start_port and end_port")]
    [InlineData("port = 443\nhandlers = [\"tls\"]\ntls_options = { versions = [\"TLSv1.1\"] }",
        "services[0].ports[0].tls_options.versions: unknown TLS version 'TLSv1.1' (valid: TLSv1.2, TLSv1.3)")]
    [InlineData("port = 443\nhandlers = [\"proxy_proto\"]\nproxy_proto_options = { version = \"v3\" }",
        "services[0].ports[0].proxy_proto_options.version: unknown version 'v3' (valid: v1, v2)")]
    [InlineData("port = 80\nhandlers = [\"http\"]\nhttp_options = { idle_timeout = -1 }",
        "services[0].ports[0].http_options.idle_timeout: -1 is negative")]
    public void Port_errors_name_the_key(string keys, string message) =>
        Assert.Equal(message, LoadError(OnePort(keys)));

    [Theory]
    [InlineData("internal_port = 70000", "services[0].internal_port: 70000 is outside 0..65535")]
    [InlineData("internal_port = -1", "services[0].internal_port: -1 is outside 0..65535")]
    [InlineData("protocol = \"http\"", "services[0].protocol: unknown protocol 'http' (valid: tcp, udp)")]
    [InlineData("concurrency = { type = \"sessions\" }",
        "services[0].concurrency.type: unknown type 'sessions' (valid: connections, requests)")]
    [InlineData("concurrency = { soft_limit = -5 }", "services[0].concurrency.soft_limit: -5 is below 1")]
    [InlineData("concurrency = { hard_limit = -1 }", "services[0].concurrency.hard_limit: -1 is below 1")]
    [InlineData("concurrency = { soft_limit = 50, hard_limit = 25 }",
        "services[0].concurrency.soft_limit: 50 is above hard_limit 25")]
    [InlineData("http_checks = [{ protocol = \"ftp\" }]",
        "services[0].http_checks[0].protocol: unknown protocol 'ftp' (valid: http, https)")]
    public void Service_errors_name_the_key(string keys, string message) =>
        Assert.Equal(message, LoadError(OnePort("port = 8080", keys)));

    [Fact]
    public void Http_service_option_errors_name_http_service_once()
    {
        var message = LoadError("""
            [http_service]
              http_options = { headers_read_timeout = -3 }
              concurrency = { type = "bogus" }
            """);

        Assert.Equal("http_service.http_options.headers_read_timeout: -3 is negative (and 1 more problem)", message);
    }

    [Fact]
    public void The_same_port_twice_in_one_service_is_an_error()
    {
        var message = LoadError("""
            [[services]]
              [[services.ports]]
                port = 443
                handlers = ["tls"]
              [[services.ports]]
                port = "443"
                handlers = ["tls", "http"]
              [[services.ports]]
                start_port = 440
                end_port = 450
            """);

        Assert.Equal("services[0].ports[1]: port 443/tcp is already declared by services[0].ports[0] (and 1 more problem)", message);
    }

    [Fact]
    public void Several_errors_are_counted()
    {
        var message = LoadError("""
            [[services]]
              protocol = "sctp"
              [[services.ports]]
                port = 80
                handlers = ["bogus", "http2"]
            """);

        Assert.Equal("services[0].protocol: unknown protocol 'sctp' (valid: tcp, udp) (and 2 more problems)", message);
    }

    [Fact]
    public void The_same_port_in_two_services_is_a_warning_and_the_first_wins()
    {
        // Corpus 126: http_service and [[services.ports]] both on 80/443.
        var result = FlyToml.Load("""
            [http_service]
            [[services]]
              [[services.ports]]
                port = 80
                handlers = ["http"]
            [[services]]
              protocol = "udp"
              [[services.ports]]
                port = 80
            """);

        Assert.Equal(["services[0].ports[0]: port 80/tcp is also declared by http_service, which comes first and wins"], result.Warnings);
    }

    [Fact]
    public void Odd_but_accepted_configs_are_warnings()
    {
        var result = FlyToml.Load("""
            [[services]]
              protocol = "udp"
              internal_port = 0
              [[services.ports]]
                start_port = 49152
                end_port = 65535
              [[services.ports]]
                port = 5349
                handlers = ["tls"]
            [[services]]
              internal_port = 8080
              ports = []
            [[services]]
              [[services.ports]]
                port = 80
                handlers = ["http"]
                tls_options = { alpn = ["h2"] }
                proxy_proto_options = { version = "v2" }
              [[services.ports]]
                start_port = 8000
            """);

        Assert.Equal(
            ["services[0].internal_port: 0 is not a port an instance can listen on; accepted for compatibility",
             "services[0].ports[1].handlers: handlers [tls] apply to tcp only; not applied on a udp service",
             "services[1]: no ports; the service gets no public listener",
             "services[2].ports[0].tls_options: no effect without the tls or pg_tls handler",
             "services[2].ports[0].proxy_proto_options: no effect without the proxy_proto handler",
             "services[2].ports[1]: open-ended range; covers ports 8000-65535"],
            result.Warnings);
    }

    [Fact]
    public void Validate_without_paths_names_services_by_position()
    {
        var config = FlyTomlReader.Read("""
            [http_service]
            [[services]]
              [[services.ports]]
                port = 1
                handlers = ["nope"]
            """).Config;

        var problem = Assert.Single(ConfigValidator.Validate(config));

        Assert.Equal(ConfigProblem.Error("services[0].ports[0].handlers", "unknown handler 'nope' (valid: http, tls, pg_tls, proxy_proto)"), problem);
    }
}
