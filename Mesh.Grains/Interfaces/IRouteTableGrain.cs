using Mesh.Interfaces.Model;
using Orleans.Concurrency;

namespace Mesh.Interfaces;

/// <summary>
/// The versioned route table gateways follow (key "global"): a snapshot, recent deltas, and
/// one-way pushes of every change to subscribed observers.
/// </summary>
[Alias("mesh.IRouteTableGrain")]
public interface IRouteTableGrain : IGrainWithStringKey
{
    public const string Global = "global";

    [Alias("GetSnapshot")] Task<RouteSnapshot> GetSnapshot();
    [Alias("GetChangesSince")] Task<RouteChanges> GetChangesSince(long version);
    [Alias("Subscribe")] Task Subscribe(IRouteTableObserver observer);
    [Alias("Unsubscribe")] Task Unsubscribe(IRouteTableObserver observer);

    /// <summary>A subscribed gateway serves <paramref name="version"/> (called after it applied a change).</summary>
    [Alias("Acknowledge")] Task Acknowledge(IRouteTableObserver observer, long version);

    /// <summary>
    /// Returns true once every subscribed gateway serves <paramref name="version"/> or later, false
    /// after <paramref name="timeout"/>. Interleaves, so acknowledgements arrive while it waits.
    /// </summary>
    [AlwaysInterleave, Alias("WaitApplied")] Task<bool> WaitApplied(long version, TimeSpan timeout);

    [Alias("PublishApp")] Task<long> PublishApp(AppRoute route);
    [Alias("RemoveApp")] Task<long> RemoveApp(string app);
    [Alias("PublishInstance")] Task<long> PublishInstance(InstanceRoute instance);
    [Alias("RemoveInstance")] Task<long> RemoveInstance(string app, string instanceId);
}
