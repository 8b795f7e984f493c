using System.Collections.Concurrent;
using System.Threading.Channels;
using Mesh.Domain.Routing;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Grains;

/// <summary>A subscriber of the route table sees every change, in order, and can resync after a gap.</summary>
public sealed class RouteTableSubscriptionTests(InProcessCluster fixture) : IClassFixture<InProcessCluster>
{
    private sealed class Observer : IRouteTableObserver
    {
        public Channel<RouteDelta> Deltas { get; } = Channel.CreateUnbounded<RouteDelta>();

        public Task OnRouteChanged(RouteDelta delta)
        {
            Deltas.Writer.TryWrite(delta);
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Subscriber_sees_every_change_in_order_and_ends_equal_to_the_snapshot()
    {
        var routes = fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        var observer = new Observer();
        var reference = fixture.Client.CreateObjectReference<IRouteTableObserver>(observer);
        await routes.Subscribe(reference);
        var replica = RouteTableReplica.FromSnapshot(await routes.GetSnapshot());

        var app = fixture.Client.GetGrain<IAppGrain>("sub-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");
        await app.Deploy(Configs.Web);
        var instance = await app.AddInstance(new InstanceRegistration("iad", "127.0.0.1:7000", []));
        await fixture.Client.GetGrain<IInstanceGrain>(instance.Id).Stop();
        await app.AllocateIp(IpKind.V4);
        await fixture.Client.GetGrain<IInstanceGrain>(instance.Id).Remove();
        var last = (await routes.GetSnapshot()).Version;

        // One-way messages are not ordered across silos: collect every pushed version, then
        // apply them in version order (the gateway catches up on a gap instead of waiting).
        var pushed = new Dictionary<long, RouteDelta>();
        while (Enumerable.Range(1, (int)(last - replica.Version)).Any(i => !pushed.ContainsKey(replica.Version + i)))
        {
            var delta = await observer.Deltas.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            pushed[delta.Version] = delta;
        }
        var kinds = new List<RouteChangeKind>();
        foreach (var delta in pushed.Values.Where(d => d.Version > replica.Version && d.Version <= last).OrderBy(d => d.Version))
        {
            replica = replica.Apply(delta) ?? throw new Xunit.Sdk.XunitException($"gap at {delta.Version} after {replica.Version}");
            if (delta.App == app.GetPrimaryKeyString()) kinds.Add(delta.Kind);
        }

        Assert.Equal(
            [RouteChangeKind.AppUpserted, RouteChangeKind.AppUpserted, RouteChangeKind.InstanceUpserted, RouteChangeKind.InstanceUpserted, RouteChangeKind.AppUpserted, RouteChangeKind.InstanceRemoved],
            kinds);
        var snapshot = RouteTableReplica.FromSnapshot(await routes.GetSnapshot());
        Assert.Equal(snapshot.Version, replica.Version);
        Assert.Equal(snapshot.Apps.Keys.Order(), replica.Apps.Keys.Order());
        var name = app.GetPrimaryKeyString();
        Assert.Equal(snapshot.Apps[name].Ips.Select(i => (i.Address, i.Kind, i.AllocatedAt.UtcTicks, i.AllocatedAt.Offset)), replica.Apps[name].Ips.Select(i => (i.Address, i.Kind, i.AllocatedAt.UtcTicks, i.AllocatedAt.Offset)));
        Assert.Equal(snapshot.Apps[name].Services.Length, replica.Apps[name].Services.Length);
        Assert.Equal(snapshot.Instances.Keys.Order(), replica.Instances.Keys.Order());
        await routes.Unsubscribe(reference);
        fixture.Client.DeleteObjectReference<IRouteTableObserver>(reference);
        GC.KeepAlive(observer);
    }

    [Fact]
    public async Task A_subscriber_that_missed_pushes_catches_up_from_deltas_or_a_snapshot()
    {
        var routes = fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        var stale = RouteTableReplica.FromSnapshot(await routes.GetSnapshot());

        var app = fixture.Client.GetGrain<IAppGrain>("gap-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");
        await app.Deploy(Configs.Web);
        var changes = await routes.GetChangesSince(stale.Version);

        Assert.Null(changes.Snapshot);
        Assert.True(changes.Deltas.Length >= 2);
        var caughtUp = stale.Apply(changes);
        Assert.NotNull(caughtUp);
        Assert.Equal(changes.Version, caughtUp.Version);
        Assert.True(caughtUp.Apps.ContainsKey(app.GetPrimaryKeyString()));

        // A version the table never issued (a different epoch) gets a full snapshot instead.
        var reset = await routes.GetChangesSince(stale.Version + 1_000_000_000);
        Assert.NotNull(reset.Snapshot);
        Assert.True(RouteTableReplica.Empty.Apply(reset)!.Apps.ContainsKey(app.GetPrimaryKeyString()));

        // Skipping a delta is detected as a gap, never applied out of order.
        var second = changes.Deltas[1];
        Assert.Null(stale.Apply(second));
    }

    [Fact]
    public async Task A_change_waits_until_every_subscribed_gateway_acknowledges_its_version()
    {
        var routes = fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        Observer fastGateway = new(), slowGateway = new();
        var fast = fixture.Client.CreateObjectReference<IRouteTableObserver>(fastGateway);
        var slow = fixture.Client.CreateObjectReference<IRouteTableObserver>(slowGateway);
        await routes.Subscribe(fast);
        await routes.Subscribe(slow);
        var app = fixture.Client.GetGrain<IAppGrain>("ack-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");
        var version = await app.PublishChallenge(new AcmeChallengeRoute("ack.example.test", Mesh.Acme.AcmeChallengeType.Http01, "tok", "tok.thumb", null, null));

        await routes.Acknowledge(fast, version);
        // One gateway still serves an older table: the change is not live everywhere.
        Assert.False(await routes.WaitApplied(version, TimeSpan.FromMilliseconds(200)));
        var waiting = routes.WaitApplied(version, TimeSpan.FromSeconds(30));
        await routes.Acknowledge(slow, version + 1);
        Assert.True(await waiting);
        // A gateway that leaves no longer holds anything up.
        await routes.Unsubscribe(fast);
        Assert.True(await routes.WaitApplied(version, TimeSpan.FromSeconds(30)));
        await routes.Unsubscribe(slow);
        GC.KeepAlive(fastGateway);
        GC.KeepAlive(slowGateway);
    }
}
