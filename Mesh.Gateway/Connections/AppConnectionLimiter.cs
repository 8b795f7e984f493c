using System.Net;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Caps the connections one app holds open on this gateway (one noisy app cannot take every
/// socket), and within an app the connections of one client address (one client cannot take the
/// app's share: <c>MaxConnectionsPerClient</c>).
/// </summary>
public sealed class AppConnectionLimiter(IOptions<GatewayOptions> options)
{
    private readonly KeyedCounter _open = new();
    // Per client and app, under a lock: entries go when their count reaches 0, so a stream of
    // distinct client addresses does not grow the table.
    private readonly Dictionary<(string App, IPAddress Client), int> _perClient = [];

    /// <returns><see cref="RouteFailure.None"/> when entered (pair it with <see cref="Exit"/>), else the cap that was hit.</returns>
    public RouteFailure TryEnter(string app, IPAddress client)
    {
        var key = (app, client);
        lock (_perClient)
        {
            var held = _perClient.GetValueOrDefault(key);
            if (held >= options.Value.MaxConnectionsPerClient) return RouteFailure.ClientConnectionLimit;
            if (!_open.TryEnter(app, options.Value.MaxConnectionsPerApp)) return RouteFailure.AppConnectionLimit;
            _perClient[key] = held + 1;
        }
        return RouteFailure.None;
    }

    public void Exit(string app, IPAddress client)
    {
        var key = (app, client);
        lock (_perClient)
        {
            var held = _perClient.GetValueOrDefault(key) - 1;
            if (held <= 0) _perClient.Remove(key);
            else _perClient[key] = held;
        }
        _open.Exit(app);
    }

    public int Open(string app) => _open.Count(app);
}
