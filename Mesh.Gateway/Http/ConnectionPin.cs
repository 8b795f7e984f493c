using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Http;

/// <summary>
/// For a service whose concurrency counts <c>connections</c>: the instance a client connection
/// was given on its first request, and the slot it holds there until the connection closes.
/// Later requests on the connection go to the same instance while it stays routable, as a
/// dedicated upstream connection would; the slot is freed once, whichever comes first: the
/// client connection closing or the pin being replaced.
/// </summary>
public sealed class ConnectionPin(PortRoute route, InstanceRoute instance, InstanceLoad load, LoadBoard board)
{
    public const string Item = "mesh.pin";
    private int _released;

    public InstanceRoute Instance { get; } = instance;

    public InstanceLoad Load { get; } = load;

    /// <summary>Whether a request for <paramref name="request"/> can use the pinned instance, given the app's instances now.</summary>
    public bool Serves(PortRoute request, IReadOnlyList<InstanceRoute> instances, long nowTicks) =>
        Volatile.Read(ref _released) == 0
        && request.AppName == route.AppName
        && request.Service.InternalPort == route.Service.InternalPort
        && !Load.IsEjected(nowTicks)
        && Routable(instances);

    // Not the picker's candidates: those leave out an instance at its hard limit, which a pin itself may cause.
    private bool Routable(IReadOnlyList<InstanceRoute> instances)
    {
        foreach (var i in instances)
        {
            if (i.Id == Instance.Id) return i.IsRoutable;
        }
        return false;
    }

    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0) board.Release(Load);
    }
}
