using Mesh.Domain;
using Mesh.Domain.Config;
using Mesh.Interfaces.Config;
using Xunit;

namespace Mesh.Tests.Config;

public sealed class FlyTomlReaderTests
{
    [Fact]
    public void Http_service_expands_to_80_and_443_carrying_its_options()
    {
        var result = FlyToml.Load("""
            app = "demo"
            primary_region = "ams"
            [http_service]
              internal_port = 3000
              force_https = true
              processes = ["web"]
              [http_service.concurrency]
                type = "requests"
                soft_limit = 50
                hard_limit = 80
              [http_service.tls_options]
                alpn = ["h2", "http/1.1"]
                versions = ["TLSv1.3"]
                default_self_signed = true
              [http_service.http_options]
                h2_backend = true
                idle_timeout = 90
              [[http_service.checks]]
                path = "/healthz"
                interval = "30s"
            """);

        Assert.Empty(result.Warnings);
        Assert.Equal("demo", result.Config.AppName);
        Assert.Equal("ams", result.Config.PrimaryRegion);
        var service = Assert.Single(result.Config.Services);
        Assert.True(service.FromHttpService);
        Assert.Equal((ServiceConfig.Tcp, 3000), (service.Protocol, service.InternalPort));
        Assert.Equal<string>(["web"], service.Processes);
        Assert.Equal(new ConcurrencyConfig("requests", 50, 80), service.Concurrency);

        var http = service.Ports[0];
        Assert.Equal(80, http.Port);
        Assert.Equal<string>([Handlers.Http], http.Handlers);
        Assert.True(http.ForceHttps);
        Assert.Null(http.TlsOptions);
        Assert.True(http.HttpOptions!.H2Backend);
        Assert.Equal(90, http.HttpOptions.IdleTimeoutSeconds);

        var https = service.Ports[1];
        Assert.Equal(443, https.Port);
        Assert.Equal<string>([Handlers.Http, Handlers.Tls], https.Handlers);
        Assert.False(https.ForceHttps);
        Assert.Same(http.HttpOptions, https.HttpOptions);
        Assert.Equal<string>(["h2", "http/1.1"], https.TlsOptions!.Alpn);
        Assert.Equal<string>(["TLSv1.3"], https.TlsOptions.Versions);
        Assert.True(https.TlsOptions.DefaultSelfSigned);

        Assert.Empty(service.TcpChecks);
        var check = Assert.Single(service.HttpChecks);
        Assert.Equal(("GET", "/healthz", "http"), (check.Method, check.Path, check.Protocol));
        Assert.Equal(TimeSpan.FromSeconds(30), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(2), check.Timeout);
        Assert.Equal(TimeSpan.FromSeconds(1), check.GracePeriod);
    }

    [Fact]
    public void Http_service_comes_first_and_defaults_apply()
    {
        var config = FlyToml.Load("""
            [[services]]
              protocol = "udp"
              [[services.ports]]
                port = "53"
            [http_service]
            """).Config;

        Assert.Equal<bool>([true, false], config.Services.Select(s => s.FromHttpService));
        Assert.Equal(8080, config.Services[0].InternalPort);
        Assert.False(config.Services[0].Ports[0].ForceHttps);
        Assert.Equal(ConcurrencyConfig.Default, config.Services[0].Concurrency);
        var dns = config.Services[1];
        Assert.Equal((ServiceConfig.Udp, 8080, 53), (dns.Protocol, dns.InternalPort, dns.Ports[0].Port));
        Assert.Null(config.AppName);
    }

    [Fact]
    public void Legacy_shapes_are_tolerated()
    {
        var config = FlyToml.Load("""
            app = ""
            [services]
              internal_port = "8081"
              [services.ports]
                port = "443"
                handlers = ["tls", "http"]
            """).Config;

        Assert.Null(config.AppName);
        var tls = Assert.Single(config.Services);
        Assert.Equal(8081, tls.InternalPort);
        Assert.Equal(443, tls.Ports[0].Port);
        Assert.Equal<string>([Handlers.Http, Handlers.Tls], tls.Ports[0].Handlers); // sorted
    }

    [Fact]
    public void Ranges_keep_their_bounds()
    {
        var port = FlyToml.Load("""
            [[services]]
              internal_port = 9000
              ports = [{ start_port = 10000, end_port = 10100 }]
            """).Config.Services[0].Ports[0];

        Assert.Equal((null, 10000, 10100), (port.Port, port.StartPort, port.EndPort));
        Assert.True(port.Contains(10050));
        Assert.False(port.Contains(10101));
    }

    [Fact]
    public void Empty_services_tables_are_dropped_and_later_services_keep_their_file_index()
    {
        var ex = Assert.Throws<MeshException>(() => FlyToml.Load("""
            [[services]]
            [[services]]
              [[services.ports]]
                port = 80
                handlers = ["bogus"]
            """));

        Assert.StartsWith("services[1].ports[0].handlers: unknown handler 'bogus'", ex.Message);
    }

    [Fact]
    public void Concurrency_defaults_and_zero_limits()
    {
        ServiceConfig Service(string concurrency) => FlyToml.Load($"""
            [[services]]
              [[services.ports]]
                port = 80
              [services.concurrency]
                {concurrency}
            """).Config.Services[0];

        Assert.Equal(new ConcurrencyConfig("connections", 20, null), Service("").Concurrency);
        Assert.Equal(new ConcurrencyConfig("connections", 20, 100), Service("hard_limit = 100").Concurrency);
        Assert.Equal(new ConcurrencyConfig("connections", 10, 10), Service("hard_limit = 10").Concurrency);

        // Corpus 132: soft_limit = 0 is fly-go's "unset".
        var result = FlyToml.Load("""
            [[services]]
              [services.concurrency]
                soft_limit = 0
                hard_limit = 1000
              [[services.ports]]
                port = 80
            """);
        Assert.Equal(new ConcurrencyConfig("connections", 20, 1000), result.Config.Services[0].Concurrency);
        Assert.Contains(result.Warnings, w => w.StartsWith("services[0].concurrency.soft_limit:"));
    }

    [Fact]
    public void Response_header_rules_and_pristine()
    {
        var options = FlyToml.Load("""
            [[services]]
              [[services.ports]]
                port = 443
                handlers = ["tls", "http"]
                [services.ports.http_options.response]
                  pristine = true
                  [services.ports.http_options.response.headers]
                    Server = false
                    X-Frame-Options = "DENY"
                    Link = ["</a.css>; rel=preload", "</b.js>; rel=preload"]
            """).Config.Services[0].Ports[0].HttpOptions!;

        Assert.True(options.Pristine);
        Assert.Collection(options.ResponseHeaders,
            r => Assert.Equal(("Server", true, 0), (r.Name, r.Remove, r.Values.Length)),
            r => Assert.Equal(("X-Frame-Options", false, "DENY"), (r.Name, r.Remove, Assert.Single(r.Values))),
            r => Assert.Equal<string>(["</a.css>; rel=preload", "</b.js>; rel=preload"], r.Values));
    }

    [Fact]
    public void Proxy_proto_options_select_v2_and_default_to_v1()
    {
        var ports = FlyToml.Load("""
            [[services]]
              [[services.ports]]
                port = 443
                handlers = ["proxy_proto"]
                proxy_proto_options = { version = "v2" }
              [[services.ports]]
                port = 80
                handlers = ["proxy_proto"]
                [services.ports.proxy_proto_options]
            """).Config.Services[0].Ports;

        Assert.True(ports[0].ProxyProtoOptions!.IsV2);
        Assert.Equal("v1", ports[1].ProxyProtoOptions!.Version);
    }

    [Fact]
    public void Check_headers_and_tls_settings_are_read()
    {
        var check = FlyToml.Load("""
            [[services]]
              [[services.ports]]
                port = 80
              [[services.http_checks]]
                method = "head"
                protocol = "https"
                tls_server_name = "example.com"
                tls_skip_verify = true
                [services.http_checks.headers]
                  Host = "example.com"
            """).Config.Services[0].HttpChecks[0];

        Assert.Equal(("HEAD", "https", "example.com", true), (check.Method, check.Protocol, check.TlsServerName, check.TlsSkipVerify));
        Assert.Equal<HeaderValue>([new HeaderValue("Host", "example.com")], check.Headers);
    }

    [Fact]
    public void Unknown_keys_are_warnings_naming_the_path()
    {
        var result = FlyToml.Load("""
            nonsense = 1
            [env]
              ANYTHING = "free-form maps are not checked"
            [[services]]
              foo = "bar"
              [[services.ports]]
                port = 80
                protocol = "tcp"
            """);

        Assert.Equal(
            ["unknown key 'nonsense' ignored", "unknown key 'services[0].foo' ignored", "unknown key 'services[0].ports[0].protocol' ignored"],
            result.Warnings.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Syntax_errors_name_line_and_column_on_one_line()
    {
        var ex = Assert.Throws<MeshException>(() => FlyToml.Load("app = \"demo\"\n\n[http_service]\ninternal_port = \n"));

        Assert.Equal("config_invalid", ex.Code);
        Assert.StartsWith("fly.toml line 4, column ", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void Duplicate_keys_are_syntax_errors()
    {
        var ex = Assert.Throws<MeshException>(() => FlyToml.Load("app = \"a\"\napp = \"b\"\n"));

        Assert.StartsWith("fly.toml line 2, column 1: ", ex.Message);
    }

    [Theory]
    [InlineData("[[services]]\n[services.concurrency]\ntype = \"connections\"\n[services.concurrency]\ntype = \"requests\"\n",
        "fly.toml line 4, column 1: table [services.concurrency] is defined twice")]
    [InlineData("[[services]]\ninternal_port = 80\n  internal_port = 81\n", "fly.toml line 3, column 3: services.internal_port is defined twice")]
    [InlineData("[[services]]\nports = [{ port = 80, port = 81 }]\n", "fly.toml line 2, column 1: port is defined twice")]
    public void Redefinitions_are_syntax_errors(string toml, string message) =>
        Assert.Equal(message, Assert.Throws<MeshException>(() => FlyToml.Load(toml)).Message);

    [Fact]
    public void A_table_opened_by_header_in_one_service_may_be_inline_in_the_next()
    {
        // Valid TOML (each [[services]] is a fresh table) that Tomlyn's strict validator rejects.
        var config = FlyToml.Load("""
            [[services]]
              [services.concurrency]
                hard_limit = 25
              [[services.ports]]
                port = 80
            [[services]]
              concurrency = { hard_limit = 50 }
              ports = [{ port = 81 }]
            """).Config;

        Assert.Equal<int?>([25, 50], config.Services.Select(s => s.Concurrency.HardLimit));
        Assert.Equal<int?>([80, 81], config.Services.Select(s => s.Ports[0].Port));
    }

    [Fact]
    public void Unreadable_values_are_errors_naming_the_key()
    {
        var ex = Assert.Throws<MeshException>(() => FlyToml.Load("""
            [[services]]
              internal_port = true
              [[services.ports]]
                port = "https"
            """));

        Assert.Equal("config_invalid", ex.Code);
        Assert.Equal("services[0].internal_port: expected a whole number, got true (and 1 more problem)", ex.Message);
    }
}
