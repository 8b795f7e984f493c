using System.Security.Cryptography.X509Certificates;
using Mesh.Gateway.Health;
using Mesh.Interfaces.Config;
using Mesh.Tests.Infrastructure;
using static Mesh.Tests.Health.HealthFixtures;

namespace Mesh.Tests.Health;

public sealed class HttpProbeTests : IAsyncLifetime
{
    private readonly HttpProbe _probe = new();
    private CheckedApp _app = null!;

    public async Task InitializeAsync() => _app = await CheckedApp.StartAsync();

    public async Task DisposeAsync()
    {
        _probe.Dispose();
        await _app.DisposeAsync();
    }

    private Task<HealthCheckResult> Check(HttpCheckConfig check, CheckedApp? app = null) => _probe.CheckAsync((app ?? _app).Endpoint, check, CancellationToken.None);

    [Fact]
    public async Task A_2xx_passes()
    {
        Assert.Equal(HealthCheckResult.Pass("status 200"), await Check(HttpCheck("/ok")));
    }

    [Fact]
    public async Task An_error_status_fails()
    {
        Assert.Equal(HealthCheckResult.Fail("status 500"), await Check(HttpCheck("/bad")));
        Assert.Equal(HealthCheckResult.Fail("status 404"), await Check(HttpCheck("/missing")));
    }

    [Fact]
    public async Task A_redirect_fails_and_is_not_followed()
    {
        Assert.Equal(HealthCheckResult.Fail("status 302 (redirects are not followed)"), await Check(HttpCheck("/redirect")));
        Assert.DoesNotContain(_app.Requests, r => r.Target == "/ok");
    }

    [Fact]
    public async Task No_answer_within_the_timeout_fails()
    {
        Assert.Equal(HealthCheckResult.Fail("no response within 0.2s"), await Check(HttpCheck("/slow", timeout: TimeSpan.FromMilliseconds(200))));
    }

    [Fact]
    public async Task A_closed_port_fails_as_refused()
    {
        var app = await CheckedApp.StartAsync();
        await app.DisposeAsync();

        Assert.Equal(HealthCheckResult.Fail("connection refused"), await Check(HttpCheck("/ok"), app));
    }

    [Fact]
    public async Task Method_path_and_headers_are_sent_to_the_endpoint()
    {
        var result = await Check(HttpCheck("/ok?probe=1", method: "HEAD", headers: [new HeaderValue("X-Check", "yes"), new HeaderValue("Accept", "text/plain")]));

        Assert.True(result.Passed);
        var seen = Assert.Single(_app.Requests);
        Assert.Equal(("HEAD", "/ok?probe=1", _app.Address), (seen.Method, seen.Target, seen.Host));
        Assert.Equal("yes", seen.Headers["X-Check"]);
        Assert.Equal("text/plain", seen.Headers["Accept"]);
        Assert.Equal("mesh-health-check/1", seen.Headers["User-Agent"]);
    }

    [Fact]
    public async Task The_host_is_the_tls_server_name_unless_the_check_sets_one()
    {
        await Check(HttpCheck("/ok", tlsServerName: "app.example.test"));
        await Check(HttpCheck("/ok", tlsServerName: "app.example.test", headers: [new HeaderValue("Host", "other.example.test")]));

        Assert.Equal(["app.example.test", "other.example.test"], _app.Requests.Select(r => r.Host));
    }

    [Fact]
    public async Task Https_checks_verify_the_certificate_unless_told_to_skip()
    {
        var pki = TestCertificates.For("app.example.test");
        using var certificate = X509Certificate2.CreateFromPem(pki.ChainPem, pki.KeyPem);
        await using var tls = await CheckedApp.StartAsync(certificate);

        var verified = await Check(HttpCheck("/ok", protocol: "https", tlsServerName: "app.example.test"), tls);
        var skipped = await Check(HttpCheck("/ok", protocol: "https", tlsServerName: "app.example.test", tlsSkipVerify: true), tls);

        // The test root is not trusted by the machine.
        Assert.False(verified.Passed);
        Assert.StartsWith("tls: ", verified.Reason);
        Assert.Equal(HealthCheckResult.Pass("status 200"), skipped);
        Assert.Equal("app.example.test", Assert.Single(tls.Requests).Host);
        Assert.Equal(["app.example.test", "app.example.test"], tls.ServerNames);
    }
}
