using System.Net;
using Mesh.Domain.Apps;
using Mesh.Gateway.Dns;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Mesh.Tests.Dns;

/// <summary>
/// A real <see cref="InternalDnsServer"/> serving <see cref="TwoOrgTable"/> on an address of
/// acme's private network, which is added to <c>lo</c> for the fixture's lifetime (tests run as
/// root): queries from it come from inside acme's org, as an instance's would, so real
/// <c>dig</c> sees real answers rather than the REFUSED every loopback asker gets.
/// </summary>
public sealed class PrivateNetworkDnsServer : IAsyncLifetime
{
    private readonly GatewayMetrics _metrics = new();
    private InternalDnsServer? _server;
    private bool _added;

    /// <summary>An acme address in fra, unique per run so that concurrent runs do not share it.</summary>
    public IPAddress Address { get; } = PrivateAddresses.For("acme", "fra", $"dig-{Guid.NewGuid():N}");

    public int Port { get; } = FreePort.Next();

    public IPEndPoint Endpoint => new(Address, Port);

    public async Task InitializeAsync()
    {
        var add = await Tool.RunAsync("ip", ["-6", "addr", "add", $"{Address}/128", "dev", "lo", "nodad"]);
        Assert.True(add.ExitCode == 0, $"ip addr add: {add.Stderr}");
        _added = true;
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

    /// <summary>Real dig from the org's address to the server: the full output, whatever the status.</summary>
    public async Task<string> DigAsync(params string[] args)
    {
        var result = await Tool.RunAsync("dig", [$"@{Address}", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-b", Address.ToString(), "+tries=1", "+time=5", .. args]);
        Assert.True(result.ExitCode == 0, $"dig {string.Join(' ', args)}: {result.Stdout}{result.Stderr}");
        return result.Stdout;
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }
        if (_added) await Tool.RunAsync("ip", ["-6", "addr", "del", $"{Address}/128", "dev", "lo"]);
        _metrics.Dispose();
    }
}
