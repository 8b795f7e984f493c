using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>One gateway in front of one <see cref="RecordingHttpApp"/> on a dedicated IPv4, shared by a test class's cases.</summary>
public sealed class RecordingGateway : IAsyncLifetime
{
    private EmbeddedEdge? _edge;
    private RecordingHttpApp? _app;

    internal RecordingHttpApp App => _app!;

    public string V4 { get; private set; } = "";

    /// <summary>The shared IPv4, where the app is found by its hostname <see cref="Hostname"/>.</summary>
    public string SharedV4 { get; private set; } = "";

    public const string Hostname = "recorded.example.test";

    public async Task InitializeAsync()
    {
        _edge = await EmbeddedEdge.StartAsync();
        _app = RecordingHttpApp.Start();
        var (app, v4) = await _edge.DeployWithV4Async("recorded", "[http_service]\n  internal_port = 8080\n", ("ams", _app.Address));
        V4 = v4;
        SharedV4 = (await app.ListIps()).Single(i => i.Kind == Mesh.Interfaces.Model.IpKind.SharedV4).Address;
        await app.AddCertificateSkippingOwnershipCheck(Hostname, null, null);
        await _edge.StartGatewayAsync();
    }

    public async Task DisposeAsync()
    {
        if (_edge is not null) await _edge.DisposeAsync();
        if (_app is not null) await _app.DisposeAsync();
    }
}
