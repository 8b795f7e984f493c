using Mesh.Domain.Routing;
using Mesh.Gateway.Health;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Mesh.Tests.Health.HealthFixtures;

namespace Mesh.Tests.Health;

public sealed class HealthCheckServiceTests : IDisposable
{
    private static readonly AppRoute Checked = App("a", ServiceWith(8080, tcp: [TcpCheck()]));

    private readonly GatewayState _state = new(TimeProvider.System);
    private readonly FakeProbe _probe = new();
    private readonly FakeReporter _reporter = new();
    private readonly GatewayMetrics _metrics = new();

    private HealthCheckService Service(bool enabled = true) => new(_state, _probe, _reporter, _metrics,
        Options.Create(new GatewayOptions { Region = "ams", HealthChecks = enabled }), TimeProvider.System, NullLogger<HealthCheckService>.Instance);

    private void Publish(RouteTableReplica table) => _state.Publish(GatewayTable.Build(table, wildcard: false));

    [Fact]
    public async Task A_failing_instance_is_reported_critical_and_passing_again_when_it_recovers()
    {
        using var service = Service();
        await service.StartAsync(CancellationToken.None);
        _probe.Set("i1", HealthCheckResult.Fail("connection refused"));
        Publish(Table(Checked, Instance("i1", "10.0.0.1:8080"), Instance("far", "10.0.0.2:8080", region: "syd")));

        Assert.Equal(("i1", InstanceHealth.Critical), await _reporter.NextAsync());

        // The control plane's delta arrives; then the instance recovers.
        Publish(Table(Checked, Instance("i1", "10.0.0.1:8080", health: InstanceHealth.Critical), Instance("far", "10.0.0.2:8080", region: "syd")));
        _probe.Set("i1", HealthCheckResult.Pass("connected"));

        Assert.Equal(("i1", InstanceHealth.Passing), await _reporter.NextAsync());
        await service.StopAsync(CancellationToken.None);
        Assert.DoesNotContain("far", _probe.Checked);
        Assert.True(_metrics.Totals()["health.tcp.failed"] >= 1);
        Assert.True(_metrics.Totals()["health.tcp.passed"] >= 1);
    }

    [Fact]
    public async Task A_report_the_cluster_did_not_take_is_retried_on_the_next_result()
    {
        using var service = Service();
        _reporter.FailNext = 1;
        await service.StartAsync(CancellationToken.None);
        _probe.Set("i1", HealthCheckResult.Fail("status 500"));
        Publish(Table(Checked, Instance("i1", "10.0.0.1:8080")));

        Assert.Equal(("i1", InstanceHealth.Critical), await _reporter.NextAsync());
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_table_published_before_the_service_started_is_checked()
    {
        _probe.Set("i1", HealthCheckResult.Fail("status 500"));
        Publish(Table(Checked, Instance("i1", "10.0.0.1:8080")));
        using var service = Service();
        await service.StartAsync(CancellationToken.None);

        Assert.Equal(("i1", InstanceHealth.Critical), await _reporter.NextAsync());
        await service.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Turned_off_it_checks_nothing()
    {
        Publish(Table(Checked, Instance("i1", "10.0.0.1:8080")));
        using var service = Service(enabled: false);
        await service.StartAsync(CancellationToken.None);

        await service.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Empty(_probe.Checked);
    }

    public void Dispose() => _metrics.Dispose();
}
