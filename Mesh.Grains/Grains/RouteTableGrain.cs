using Mesh.Domain.Routing;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;

namespace Mesh.Grains;

/// <summary>
/// Publishes the route table. It persists nothing but its epoch: on activation it rebuilds the
/// table from the app catalogue and the apps (so a write per change costs no storage), and it
/// pushes every change to subscribers one way.
/// </summary>
internal sealed class RouteTableGrain(
    [PersistentState("routes", MeshStorage.Name)] IPersistentState<RouteTableEpoch> epoch,
    ILogger<RouteTableGrain> logger) : Grain, IRouteTableGrain
{
    /// <summary>Subscribers must renew within this time; gateways renew every minute.</summary>
    public static readonly TimeSpan SubscriptionExpiry = TimeSpan.FromMinutes(5);

    private readonly ObserverManager<IRouteTableObserver> _observers = new(SubscriptionExpiry, logger);
    private RouteTableState _table = new(0);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        epoch.State.Epoch++;
        await epoch.WriteStateAsync(cancellationToken);
        _table = new RouteTableState(epoch.State.Epoch << 32);
        var apps = await GrainFactory.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null);
        var routes = await Task.WhenAll(apps.Select(a => GrainFactory.GetGrain<IAppGrain>(a.Name).GetRoute()));
        foreach (var route in routes.OfType<AppRouteWithInstances>())
        {
            _table.Load(route.Route, route.Instances);
        }
        logger.LogInformation("Route table rebuilt at version {Version}: {Apps} apps, {Instances} instances",
            _table.Version, _table.AppCount, _table.InstanceCount);
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
        return Task.CompletedTask;
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
}
