using System.Net;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.GatewayUnit;

/// <summary>The forwarding core in memory: leases, limits, the bounded queue, caps, ejection and steering, with no socket.</summary>
public sealed class UpstreamSelectorTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T00:00:00Z"));
    private readonly GatewayState _state;
    private readonly GatewayOptions _options = new() { Region = "ams", QueueTimeout = TimeSpan.FromSeconds(5), QueueLimit = 8, EjectionTime = TimeSpan.FromSeconds(10) };
    private readonly GatewayMetrics _metrics = new();
    private readonly UpstreamSelector _selector;

    public UpstreamSelectorTests()
    {
        _state = new GatewayState(_time);
        _selector = new UpstreamSelector(_state, new AppConnectionLimiter(Options.Create(_options)), _metrics, Options.Create(_options), _time);
    }

    private static InstanceRoute I(string id, string region = "ams", InstanceHealth health = InstanceHealth.Passing) =>
        new(id, "a", region, "127.0.0.1:1", InstanceState.Started, health, "fdaa::2");

    private static PortRoute Route(int softLimit = 20, int? hardLimit = null)
    {
        var port = new PortConfig(5000, null, null, [], false, null, null, null);
        var service = new ServiceConfig("tcp", 8080, [], [port], new ConcurrencyConfig(ConcurrencyConfig.Connections, softLimit, hardLimit), [], [], false);
        return new PortRoute(new AppRoute("a", "personal", [service], [], []), service, port, ListenerKind.Tcp);
    }

    private ValueTask<InstanceLease> Acquire(PortRoute route, params InstanceRoute[] instances) => _selector.AcquireAsync(new UpstreamRequest(route, instances), CancellationToken.None);

    private int InFlight(string id) => _state.Loads.InFlight(id, 8080);

    [Fact]
    public async Task A_lease_holds_one_slot_and_gives_it_back_once()
    {
        var lease = await Acquire(Route(), I("i1"));
        Assert.True(lease.Acquired);
        Assert.Equal("i1", lease.Instance!.Id);
        Assert.Equal(1, InFlight("i1"));
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(0, InFlight("i1"));
    }

    [Fact]
    public async Task No_routable_instance_is_no_healthy_instance()
    {
        var lease = await Acquire(Route(), I("i1", health: InstanceHealth.Critical));
        Assert.Equal(ProxyError.NoHealthyInstance, lease.Error);
        Assert.Null(lease.Instance);
        Assert.Equal("no_healthy_instance", lease.Error.Label());
        Assert.Equal(503, lease.Error.HttpStatus());
    }

    [Fact]
    public async Task The_soft_limit_spreads_and_the_hard_limit_spills_to_the_next_instance()
    {
        var route = Route(softLimit: 1, hardLimit: 1);
        InstanceRoute[] both = [I("i1"), I("i2")];
        using var first = await Acquire(route, both);
        using var second = await Acquire(route, both);
        Assert.Equal(["i1", "i2"], new[] { first.Instance!.Id, second.Instance!.Id });
    }

    [Fact]
    public async Task At_the_hard_limit_a_request_waits_and_gets_the_freed_slot()
    {
        var route = Route(softLimit: 1, hardLimit: 1);
        var holder = await Acquire(route, I("i1"));
        var waiting = Acquire(route, I("i1")).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.Equal(1, _metrics.Totals()["upstream.queued"]);
        holder.Dispose();
        using var lease = await waiting.WaitAsync(Wait);
        Assert.Equal("i1", lease.Instance!.Id);
        Assert.Equal(1, InFlight("i1"));
    }

    [Fact]
    public async Task A_wait_past_the_queue_timeout_is_overloaded_and_holds_nothing()
    {
        var route = Route(softLimit: 1, hardLimit: 1);
        using var holder = await Acquire(route, I("i1"));
        var waiting = Acquire(route, I("i1")).AsTask();
        Assert.False(waiting.IsCompleted);
        _time.Advance(_options.QueueTimeout);
        var lease = await waiting.WaitAsync(Wait);
        Assert.Equal(ProxyError.Overloaded, lease.Error);
        Assert.Equal("limit_reached", lease.Error.Label());
        Assert.Equal(1, InFlight("i1"));
    }

    [Fact]
    public async Task A_full_queue_is_overloaded_at_once()
    {
        _options.QueueLimit = 1;
        var route = Route(softLimit: 1, hardLimit: 1);
        using var holder = await Acquire(route, I("i1"));
        var queued = Acquire(route, I("i1")).AsTask();
        var refused = await Acquire(route, I("i1"));
        Assert.Equal(ProxyError.Overloaded, refused.Error);
        Assert.False(queued.IsCompleted);
        _time.Advance(_options.QueueTimeout);
        Assert.Equal(ProxyError.Overloaded, (await queued.WaitAsync(Wait)).Error);
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_gives_back_the_app_cap()
    {
        _options.MaxConnectionsPerApp = 2;
        var route = Route(softLimit: 1, hardLimit: 1);
        using var holder = await Acquire(route, I("i1"));
        using var cancel = new CancellationTokenSource();
        var waiting = _selector.AcquireAsync(new UpstreamRequest(route, [I("i1")]), cancel.Token).AsTask();
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait));
        // The cancelled waiter's place under the app cap is free again: one more may queue.
        var next = Acquire(route, I("i1")).AsTask();
        Assert.False(next.IsCompleted);
        holder.Dispose();
        using var lease = await next.WaitAsync(Wait);
        Assert.True(lease.Acquired);
    }

    [Fact]
    public async Task The_app_cap_refuses_until_a_lease_is_given_back()
    {
        _options.MaxConnectionsPerApp = 1;
        var route = Route();
        var first = await Acquire(route, I("i1"), I("i2"));
        var refused = await Acquire(route, I("i1"), I("i2"));
        Assert.Equal(ProxyError.AppConnectionLimit, refused.Error);
        Assert.Equal("app_connection_limit", refused.Error.Label());
        first.Dispose();
        using var again = await Acquire(route, I("i1"), I("i2"));
        Assert.True(again.Acquired);
    }

    [Fact]
    public async Task The_client_cap_counts_one_client_address_only()
    {
        _options.MaxConnectionsPerClient = 1;
        var route = Route();
        var client = IPAddress.Parse("192.0.2.1");
        using var first = await _selector.AcquireAsync(new UpstreamRequest(route, [I("i1")]) { Client = client }, CancellationToken.None);
        var refused = await _selector.AcquireAsync(new UpstreamRequest(route, [I("i1")]) { Client = client }, CancellationToken.None);
        Assert.Equal(ProxyError.ClientConnectionLimit, refused.Error);
        using var other = await _selector.AcquireAsync(new UpstreamRequest(route, [I("i1")]) { Client = IPAddress.Parse("192.0.2.2") }, CancellationToken.None);
        Assert.True(other.Acquired);
    }

    [Fact]
    public async Task After_an_ejection_the_same_request_gets_the_next_candidate_then_connect_failed()
    {
        var route = Route();
        var request = new UpstreamRequest(route, [I("i1"), I("i2")]);
        var first = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.Equal("i1", first.Instance!.Id);
        first.Eject();
        first.Dispose();
        var second = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.Equal("i2", second.Instance!.Id);
        second.Eject();
        second.Dispose();
        Assert.Equal(ProxyError.ConnectFailed, (await _selector.AcquireAsync(request, CancellationToken.None)).Error);

        // A new connection finds both ejected; once the ejection time has passed they are candidates again.
        Assert.Equal(ProxyError.NoHealthyInstance, (await Acquire(route, I("i1"), I("i2"))).Error);
        _time.Advance(_options.EjectionTime);
        using var back = await Acquire(route, I("i1"), I("i2"));
        Assert.Equal("i1", back.Instance!.Id);
    }

    [Fact]
    public async Task A_preferred_instance_and_a_preferred_region_come_first()
    {
        var route = Route();
        InstanceRoute[] all = [I("a1"), I("a2"), I("f1", "fra")];
        using (var preferred = await _selector.AcquireAsync(new UpstreamRequest(route, all) { PreferredInstance = "a2" }, CancellationToken.None))
        {
            Assert.Equal("a2", preferred.Instance!.Id);
        }
        using var region = await _selector.AcquireAsync(new UpstreamRequest(route, all) { PreferredRegions = ["fra"] }, CancellationToken.None);
        Assert.Equal("f1", region.Instance!.Id);
    }

    [Fact]
    public async Task A_request_reset_for_the_next_one_reuses_its_lease_only_once_the_last_was_given_back()
    {
        var route = Route(hardLimit: 2);
        InstanceRoute[] all = [I("a1"), I("a2")];
        var request = new UpstreamRequest(route, all) { ReusesLeases = true };
        var first = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.Equal("a1", first.Instance!.Id);
        first.Dispose();

        // The next request on the same connection: nothing tried yet, the same lease object re-armed.
        request.Reset(route, all, null, null);
        var second = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.Same(first, second);
        Assert.Equal(1, InFlight("a1") + InFlight("a2"));

        // While that lease is held a further acquire (a retry) gets its own, and each gives back its own slot once.
        var third = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.NotSame(second, third);
        Assert.NotEqual(second.Instance!.Id, third.Instance!.Id);
        Assert.Equal(2, InFlight("a1") + InFlight("a2"));
        second.Dispose();
        second.Dispose();
        third.Dispose();
        Assert.Equal(0, InFlight("a1") + InFlight("a2"));

        // Reset forgets what was tried: both instances are candidates again, preferences apply.
        request.Reset(route, all, null, "a2");
        using var preferred = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.Equal("a2", preferred.Instance!.Id);
    }

    [Fact]
    public async Task Without_reuse_every_lease_is_its_own()
    {
        var route = Route();
        var request = new UpstreamRequest(route, [I("a1")]);
        var first = await _selector.AcquireAsync(request, CancellationToken.None);
        first.Dispose();
        request.Reset(route, [I("a1")], null, null);
        using var second = await _selector.AcquireAsync(request, CancellationToken.None);
        Assert.NotSame(first, second);
        Assert.True(second.Acquired);
    }

    [Fact]
    public void Every_error_has_its_label_status_and_retry_verdict()
    {
        Assert.Equal("connect_failed", ProxyError.ConnectFailed.Label());
        Assert.Equal("unknown_sni", ProxyError.UnknownServerName.Label());
        Assert.Equal("client_connection_limit", ProxyError.ClientConnectionLimit.Label());
        Assert.Equal("no_route", ProxyError.NoRoute.Label());
        Assert.True(ProxyError.UpstreamConnectRefused.IsRetryable());
        Assert.False(ProxyError.UpstreamReset.IsRetryable());
        Assert.Equal(504, ProxyError.UpstreamTimeout.HttpStatus());
        Assert.All(Enum.GetValues<ProxyError>(), e => Assert.False(string.IsNullOrEmpty(e.Label())));
    }
}
