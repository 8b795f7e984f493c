using System.Net.Http.Json;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// <c>pebble-challtestsrv</c> as the DNS server Pebble (and ownership checks) resolve through:
/// DNS on a free UDP/TCP port, its management API on another; its own challenge servers are off.
/// It answers A queries with 127.0.0.1 by default and AAAA with nothing, so a validation goes
/// to the address a test sets with <see cref="AddAAsync"/> or <see cref="SetDefaultIpv4Async"/>.
/// </summary>
internal sealed class ChallTestServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly RunningProcess _process;
    private readonly HttpClient _http;

    private ChallTestServer(RunningProcess process, int dnsPort, int managementPort)
    {
        _process = process;
        DnsPort = dnsPort;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{managementPort}/") };
    }

    public int DnsPort { get; }

    /// <summary>host:port of its DNS server (Pebble's <c>-dnsserver</c>, Mesh:Acme:Resolver).</summary>
    public string DnsAddress => $"127.0.0.1:{DnsPort}";

    public string Output => _process.Output;

    public static async Task<ChallTestServer> StartAsync()
    {
        var dnsPort = FreePort.Next();
        var managementPort = FreePort.Next();
        var process = RunningProcess.Start("pebble-challtestsrv",
        [
            "-management", $"127.0.0.1:{managementPort}",
            "-dns01", $"127.0.0.1:{dnsPort}",
            "-http01", "", "-https01", "", "-tlsalpn01", "",
            "-defaultIPv4", "127.0.0.1",
            "-defaultIPv6", "",
        ]);
        var server = new ChallTestServer(process, dnsPort, managementPort);
        try
        {
            await process.WaitForLineAsync("Starting management server", StartTimeout);
            // The line comes just before the listener binds: the first call is retried until it connects.
            await Eventually.Succeeds(() => server.PostAsync("set-default-ipv4", new { ip = "127.0.0.1" }), StartTimeout);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public Task AddAAsync(string host, params string[] addresses) => PostAsync("add-a", new { host, addresses });

    public Task ClearAAsync(string host) => PostAsync("clear-a", new { host });

    public Task AddAaaaAsync(string host, params string[] addresses) => PostAsync("add-aaaa", new { host, addresses });

    public Task ClearAaaaAsync(string host) => PostAsync("clear-aaaa", new { host });

    public Task SetDefaultIpv4Async(string ip) => PostAsync("set-default-ipv4", new { ip });

    public Task SetDefaultIpv6Async(string ip) => PostAsync("set-default-ipv6", new { ip });

    private async Task<bool> PostAsync(string path, object body)
    {
        using var response = await _http.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
    }
}
