using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http1;

/// <summary>
/// One gateway shared by every HTTP/1.1 test class (one collection: a gateway start costs more
/// than all of their cases),  in front of three apps on dedicated IPv4s, each
/// serving 80 (http) and 443 (tls+http): <see cref="App"/> with the default concurrency
/// ("connections": an upstream connection per request), <see cref="PooledApp"/> with
/// "requests" (kept-alive upstream connections), both <see cref="ScriptedHttp1App"/>s, and a
/// WebSocket echo (<see cref="HttpEchoApp"/>'s <c>/ws</c>).
/// </summary>
public sealed class Http1Gateway : IAsyncLifetime
{
    public const string Collection = "Http1Gateway";

    public const string Hostname = "h1.example.test";
    public const string WebSocketHostname = "ws.h1.example.test";

    private EmbeddedEdge? _edge;
    private ScriptedHttp1App? _app;
    private ScriptedHttp1App? _pooled;
    private HttpEchoApp? _echo;

    internal ScriptedHttp1App App => _app!;

    internal ScriptedHttp1App PooledApp => _pooled!;

    /// <summary><see cref="App"/>'s address; on 443 it serves <see cref="Hostname"/>.</summary>
    public string V4 { get; private set; } = "";

    public string PooledV4 { get; private set; } = "";

    /// <summary>The WebSocket echo's address; on 443 it serves <see cref="WebSocketHostname"/>.</summary>
    public string WebSocketV4 { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _edge = await EmbeddedEdge.StartAsync();
        _app = ScriptedHttp1App.Start();
        _pooled = ScriptedHttp1App.Start();
        _echo = await HttpEchoApp.StartAsync("ws-1");
        var (app, v4) = await _edge.DeployWithV4Async("h1", "[http_service]\n  internal_port = 8080\n", ("ams", _app.Address));
        await app.AddCertificateSkippingOwnershipCheck(Hostname, null, null);
        V4 = v4;
        (_, PooledV4) = await _edge.DeployWithV4Async("h1-pooled", "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    type = \"requests\"\n", ("ams", _pooled.Address));
        var (ws, wsV4) = await _edge.DeployWithV4Async("h1-ws", "[http_service]\n  internal_port = 8080\n", ("ams", _echo.Address));
        await ws.AddCertificateSkippingOwnershipCheck(WebSocketHostname, null, null);
        WebSocketV4 = wsV4;
        await _edge.StartGatewayAsync();
        await _edge.SyncedAsync();
    }

    public async Task DisposeAsync()
    {
        if (_edge is not null) await _edge.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
        if (_pooled is not null) await _pooled.DisposeAsync();
        if (_echo is not null) await _echo.DisposeAsync();
    }
}
