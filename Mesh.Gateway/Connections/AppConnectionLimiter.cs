using System.Net;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Forwarding;
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

    /// <returns><see cref="ProxyError.None"/> when entered (pair it with <see cref="Exit"/>), else the cap that was hit.</returns>
    /// <param name="client">The client address; null enters the app's cap only (an HTTP request: its connection is not the app's).</param>
    public ProxyError TryEnter(string app, IPAddress? client)
    {
        if (client is null)
        {
            return _open.TryEnter(app, options.Value.MaxConnectionsPerApp) ? ProxyError.None : ProxyError.AppConnectionLimit;
        }
        var key = (app, client);
        lock (_perClient)
        {
            var held = _perClient.GetValueOrDefault(key);
            if (held >= options.Value.MaxConnectionsPerClient) return ProxyError.ClientConnectionLimit;
            if (!_open.TryEnter(app, options.Value.MaxConnectionsPerApp)) return ProxyError.AppConnectionLimit;
            _perClient[key] = held + 1;
        }
        return ProxyError.None;
    }

    public void Exit(string app, IPAddress? client)
    {
        if (client is null)
        {
            _open.Exit(app);
            return;
        }
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
