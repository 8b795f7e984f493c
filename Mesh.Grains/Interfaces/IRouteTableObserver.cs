using Mesh.Interfaces.Model;
using Orleans.Concurrency;

namespace Mesh.Interfaces;

/// <summary>
/// A route-table subscriber. One-way, so a dead or slow subscriber never blocks the table
/// (a two-way call would hold the grain for the whole response timeout).
/// </summary>
[Alias("mesh.IRouteTableObserver")]
public interface IRouteTableObserver : IGrainObserver
{
    [OneWay, Alias("OnRouteChanged")] Task OnRouteChanged(RouteDelta delta);
}
