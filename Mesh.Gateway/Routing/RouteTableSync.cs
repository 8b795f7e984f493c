using System.Threading.Channels;
using Mesh.Domain.Routing;
using Mesh.Gateway.Hosting;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Keeps the gateway's table in step with the route-table grain (DESIGN §3): a full snapshot
/// first, then one-way pushed deltas; a version gap triggers a catch-up (deltas or a snapshot);
/// the subscription is renewed on a timer (observers die with a silo), when the client reconnects and after any failure.
/// Every applied version is acknowledged, so a change that must be live on every gateway (an ACME
/// challenge) can wait for it. While the cluster is unreachable the last good table keeps serving; it is kept on disk, so a
/// gateway started while the cluster is down serves it too until the cluster answers.
/// </summary>
internal sealed partial class RouteTableSync(
    IClusterClient client,
    GatewayState state,
    IOptions<GatewayOptions> options,
    TableFactory factory,
    LastGoodTableStore store,
    LastGoodTableWriter writer,
    ClusterReconnects reconnects,
    ILogger<RouteTableSync> logger) : BackgroundService, IRouteTableObserver
{
    private readonly Channel<RouteDelta> _pushes = Channel.CreateUnbounded<RouteDelta>(new UnboundedChannelOptions { SingleReader = true });
    // The runtime holds observers weakly: this field keeps the reference alive (spike G5).
    private IRouteTableObserver? _reference;
    private RouteTableReplica _replica = RouteTableReplica.Empty;
    private int _failures;
    // The table read from disk at start, until it is served or the cluster's replaces it.
    private RouteTableReplica? _disk;
    private readonly Lock _publishing = new();

    /// <summary>How long a cold start waits for the cluster before serving the table from disk.</summary>
    private static readonly TimeSpan DiskGrace = TimeSpan.FromSeconds(5);

    public Task OnRouteChanged(RouteDelta delta)
    {
        _pushes.Writer.TryWrite(delta);
        return Task.CompletedTask;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LoadLastGoodTable();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SyncAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (_failures++ == 0)
                {
                    LogUnreachable(e.GetType().Name, e.Message.Split('\n')[0], _replica.Version);
                }
                // One failure can be a client still joining; two mean the cluster is not there.
                if (_failures >= 2) ServeDiskTable();
                // Back off up to 5 s; the table in hand keeps serving meanwhile.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * _failures)), stoppingToken);
                continue;
            }
        }
    }

    private async Task SyncAsync(CancellationToken stoppingToken)
    {
        var routes = client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global);
        _reference ??= client.CreateObjectReference<IRouteTableObserver>(this);
        await routes.Subscribe(_reference);
        // Subscribe before reading, so a change between the two arrives as a push we can order.
        await CatchUpAsync(routes);
        await RefreshRttAsync();
        LogSynced(_replica.Version, _replica.Apps.Count, _replica.Instances.Count);
        _failures = 0;

        using var renew = new PeriodicTimer(options.Value.ResubscribeInterval);
        var tick = renew.WaitForNextTickAsync(stoppingToken).AsTask();
        var reconnected = reconnects.WaitAsync(stoppingToken);
        while (true)
        {
            var push = _pushes.Reader.WaitToReadAsync(stoppingToken).AsTask();
            var woke = await Task.WhenAny(push, tick, reconnected);
            if (woke != push)
            {
                await woke;
                await routes.Subscribe(_reference);
                await CatchUpAsync(routes);
                await RefreshRttAsync();
                if (woke == tick) tick = renew.WaitForNextTickAsync(stoppingToken).AsTask();
                else reconnected = reconnects.WaitAsync(stoppingToken);
                continue;
            }
            await push;
            var changed = false;
            while (_pushes.Reader.TryRead(out var delta))
            {
                var next = _replica.Apply(delta);
                if (next is null)
                {
                    LogGap(_replica.Version, delta.Version);
                    await CatchUpAsync(routes);
                    changed = false;
                    break;
                }
                changed |= !ReferenceEquals(next, _replica);
                _replica = next;
            }
            if (changed) Publish();
            state.MarkSynced();
            await routes.Acknowledge(_reference, _replica.Version);
        }
    }

    private async Task CatchUpAsync(IRouteTableGrain routes)
    {
        var changes = _replica.Version == 0
            ? new RouteChanges(0, [], await routes.GetSnapshot())
            : await routes.GetChangesSince(_replica.Version);
        var next = _replica.Apply(changes) ?? RouteTableReplica.FromSnapshot(await routes.GetSnapshot());
        var changed = !ReferenceEquals(next, _replica) || !state.IsReady;
        _replica = next;
        // Pushes already applied by the catch-up are skipped by version.
        if (changed) Publish();
        state.MarkSynced();
        await routes.Acknowledge(_reference!, _replica.Version);
    }

    private async Task RefreshRttAsync()
    {
        var info = await client.GetGrain<IRegionGrain>(options.Value.Region).GetInfo();
        state.SetRtt(info.Code, info.Rtt);
    }

    private void Publish()
    {
        lock (_publishing)
        {
            _disk = null;
            state.Publish(factory.Build(_replica));
        }
        writer.Offer(_replica);
    }

    /// <summary>
    /// Reads the last good table. It is served only if the cluster does not answer first (two
    /// failed syncs, or <see cref="DiskGrace"/>), so a gateway started next to a live cluster never
    /// serves a stale table; the sync still starts from its version, catching up by deltas.
    /// </summary>
    private void LoadLastGoodTable()
    {
        if (store.Directory is null)
        {
            LogNoStore();
            return;
        }
        if (store.TryLoad() is not { } snapshot) return;
        _replica = _disk = RouteTableReplica.FromSnapshot(snapshot);
        _ = Task.Delay(DiskGrace).ContinueWith(_ => ServeDiskTable(), TaskScheduler.Default);
    }

    private void ServeDiskTable()
    {
        lock (_publishing)
        {
            if (_disk is not { } disk || state.IsReady) return;
            _disk = null;
            state.Publish(factory.Build(disk), source: "disk");
            LogLoaded(disk.Version, disk.Apps.Count, disk.Instances.Count, store.Directory!);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Serving the last good route table, version {Version}: {Apps} apps, {Instances} instances (from {Directory}) until the cluster answers")]
    private partial void LogLoaded(long version, int apps, int instances, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "No Mesh:Gateway:StateDirectory in cluster mode: the route table is not kept on disk, so a start while the cluster is unreachable serves nothing")]
    private partial void LogNoStore();

    [LoggerMessage(Level = LogLevel.Information, Message = "Route table in sync at version {Version}: {Apps} apps, {Instances} instances")]
    private partial void LogSynced(long version, int apps, int instances);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Route table push gap: have {Have}, got {Got}; catching up")]
    private partial void LogGap(long have, long got);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Control plane unreachable ({Kind}: {Message}); serving table version {Version} until it answers")]
    private partial void LogUnreachable(string kind, string message, long version);
}
