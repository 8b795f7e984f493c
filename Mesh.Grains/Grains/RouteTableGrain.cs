using Mesh.Domain;
using Mesh.Domain.Routing;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Mesh.Grains;

/// <summary>
/// Publishes the route table. It persists nothing but its epoch: on activation it rebuilds the
/// table from the app catalogue and the apps (so a write per change costs no storage),
/// reconciling the catalogue with what exists, and it pushes every change to subscribers one way.
/// An app whose state cannot be read is left out of the table; every other app is served.
/// </summary>
internal sealed partial class RouteTableGrain(
    [PersistentState("routes", MeshStorage.Name)] IPersistentState<RouteTableEpoch> epoch,
    TimeProvider time,
    ILogger<RouteTableGrain> logger) : Grain, IRouteTableGrain
{
    /// <summary>Subscribers must renew within this time; gateways renew every minute.</summary>
    public static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromMinutes(5);

    private readonly ObserverManager<IRouteTableObserver> _observers = new(SubscriptionExpiry, logger);
    private RouteTableState _table = new(0);
    private readonly AppliedVersions<IAddressable> _applied = new();
    // Completed (and replaced) at every acknowledgement, waking the waiters to look again.
    private TaskCompletionSource _acknowledged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        epoch.State.Epoch = RouteTableEpoch.Next(epoch.State.Epoch, time.GetUtcNow());
        await epoch.WriteStateAsync(cancellationToken);
        _table = new RouteTableState(epoch.State.Epoch << 32);
        var apps = await GrainFactory.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null);
        var reads = await Task.WhenAll(apps.Select(ReadAsync));
        var unreadable = new List<string>();
        var lost = new List<AppSummary>();
        for (var i = 0; i < apps.Length; i++)
        {
            switch (reads[i])
            {
                case { Unreadable: true }:
                    unreadable.Add(apps[i].Name);
                    break;
                case { Route: { } route }:
                    _table.Load(route.Route, route.Instances);
                    break;
                default:
                    lost.Add(apps[i]);
                    break;
            }
        }
        try
        {
            var catalogued = apps.Select(a => a.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var route in await new CatalogReconciler(GrainFactory, logger).ReconcileAsync(lost, catalogued))
            {
                _table.Load(route.Route, route.Instances);
            }
        }
        catch (Exception e) when (e is MeshException or OrleansException or TimeoutException)
        {
            // The table is good without it; the next rebuild tries again.
            LogReconcileFailed(e.GetType().Name, e.Message.Split('\n')[0]);
        }
        LogRebuilt(_table.Version, _table.AppCount, _table.InstanceCount, unreadable.Count == 0 ? "none" : string.Join(", ", unreadable));
    }

    private async Task<(AppRouteWithInstances? Route, bool Unreadable)> ReadAsync(AppSummary app)
    {
        try
        {
            return (await GrainFactory.GetGrain<IAppGrain>(app.Name).GetRoute(), false);
        }
        catch (MeshException e) when (e.Code == "state_unreadable")
        {
            return (null, true);
        }
    }

    public Task<RouteSnapshot> GetSnapshot() => Task.FromResult(_table.Snapshot());

    public Task<RouteChanges> GetChangesSince(long version) => Task.FromResult(_table.ChangesSince(version));

    public Task Subscribe(IRouteTableObserver observer)
    {
        _observers.Subscribe(observer, observer);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(IRouteTableObserver observer)
    {
        _observers.Unsubscribe(observer);
        _applied.Forget(observer);
        return Task.CompletedTask;
    }

    public Task Acknowledge(IRouteTableObserver observer, long version)
    {
        _applied.Record(observer, version);
        var woken = _acknowledged;
        _acknowledged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        woken.TrySetResult();
        return Task.CompletedTask;
    }

    public async Task<bool> WaitApplied(long version, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        _applied.Retain(_observers.Observers.Keys);
        while (!_applied.AllReached(version, _observers.Observers.Keys))
        {
            try
            {
                await _acknowledged.Task.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
        return true;
    }

    public Task<long> PublishApp(AppRoute route) => Push(_table.UpsertApp(route));

    public Task<long> RemoveApp(string app) => Push(_table.RemoveApp(app));

    public Task<long> PublishInstance(InstanceRoute instance) => Push(_table.UpsertInstance(instance));

    public Task<long> RemoveInstance(string app, string instanceId) => Push(_table.RemoveInstance(app, instanceId));

    private Task<long> Push(RouteDelta delta)
    {
        _observers.Notify(o => o.OnRouteChanged(delta));
        return Task.FromResult(delta.Version);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Route table rebuilt at version {Version}: {Apps} apps, {Instances} instances; left out (state unreadable): {Unreadable}")]
    private partial void LogRebuilt(long version, int apps, int instances, string unreadable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciling the app catalogue failed ({Kind}: {Message}); the table is served without it")]
    private partial void LogReconcileFailed(string kind, string message);
}
