using Mesh.Gateway.Hosting;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>Caps the connections one app holds open on this gateway (one noisy app cannot take every socket).</summary>
public sealed class AppConnectionLimiter(IOptions<GatewayOptions> options)
{
    private readonly KeyedCounter _open = new();

    public bool TryEnter(string app) => _open.TryEnter(app, options.Value.MaxConnectionsPerApp);

    public void Exit(string app) => _open.Exit(app);

    public int Open(string app) => _open.Count(app);
}
