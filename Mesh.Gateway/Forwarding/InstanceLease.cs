using System.Net;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// An instance chosen for one connection or request, with what it holds while in use: a load
/// slot on the instance's service port (concurrency limits) and a place under the app's (and
/// client's) connection cap. <see cref="Dispose"/> gives both back, once however often it is
/// called; <see cref="Eject"/> marks the instance's port unhealthy for a while (passive health)
/// after a failed connect. A lease that holds nothing says why in <see cref="Error"/>.
/// </summary>
public sealed class InstanceLease : IDisposable
{
    private static readonly InstanceLease[] Failures = [.. Enum.GetValues<ProxyError>().Select(e => new InstanceLease(e))];

    private UpstreamSelector? _owner;
    private InstanceLoad? _load;
    private string? _app;
    private IPAddress? _client;
    private int _disposed;

    internal InstanceLease(UpstreamSelector owner, InstanceRoute instance, InstanceLoad load, string app, IPAddress? client) =>
        Rearm(owner, instance, load, app, client);

    /// <summary>Whether this lease held something and gave it back (only such a lease may be re-armed).</summary>
    internal bool Released => _owner is not null && Volatile.Read(ref _disposed) != 0;

    /// <summary>The next lease of the same <see cref="UpstreamRequest"/> in this object (see <see cref="UpstreamRequest.ReusesLeases"/>).</summary>
    internal void Rearm(UpstreamSelector owner, InstanceRoute instance, InstanceLoad load, string app, IPAddress? client)
    {
        _owner = owner;
        Instance = instance;
        _load = load;
        _app = app;
        _client = client;
        Volatile.Write(ref _disposed, 0);
    }

    private InstanceLease(ProxyError error)
    {
        Error = error;
        _disposed = 1;
    }

    /// <summary>The lease for a request that gets no instance (shared: it holds nothing).</summary>
    public static InstanceLease Failed(ProxyError error) => Failures[(int)error];

    /// <summary>The instance; null exactly when <see cref="Error"/> is not <see cref="ProxyError.None"/>.</summary>
    public InstanceRoute? Instance { get; private set; }

    public ProxyError Error { get; }

    public bool Acquired => Error == ProxyError.None;

    /// <summary>Passive health: the instance's port gets no new connections until the ejection time has passed.</summary>
    public void Eject()
    {
        if (_load is not null) _owner!.Eject(_load);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _owner!.Release(_load!, _app!, _client);
    }
}
