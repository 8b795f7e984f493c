using System.Net;
using Mesh.Gateway.Dns;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mesh.Tests.Dns;

/// <summary>
/// A real <see cref="InternalDnsServer"/> serving <see cref="TwoOrgTable"/> on an acme address
/// in fra (<see cref="PrivateLoopbackAddress"/>), asked from that same address.
/// </summary>
public sealed class PrivateNetworkDnsServer : IAsyncLifetime
{
    private readonly GatewayMetrics _metrics = new();
    private PrivateLoopbackAddress? _address;
    private InternalDnsServer? _server;

    public IPAddress Address => _address!.Address;

    public int Port { get; } = FreePort.Next();

    public IPEndPoint Endpoint => new(Address, Port);

    public async Task InitializeAsync()
    {
        _address = await PrivateLoopbackAddress.AddAsync("acme", "fra");
        var state = new GatewayState(TimeProvider.System);
        state.Publish(GatewayTable.Build(TwoOrgTable.Build(), wildcard: false));
        _server = new InternalDnsServer(
            state,
            Options.Create(new GatewayOptions { Region = "ams" }),
            Options.Create(new InternalDnsOptions { Listen = [Endpoint.ToString()] }),
            _metrics,
            TimeProvider.System,
            new RecordingLogger<InternalDnsServer>());
        await _server.StartAsync(CancellationToken.None);
        Assert.Equal([Endpoint], _server.Listening);
    }

    public Task<string> DigAsync(params string[] args) => _address!.DigAsync(Endpoint, args);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }
        if (_address is not null) await _address.DisposeAsync();
        _metrics.Dispose();
    }
}
