using System.Net.Http.Json;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real DNS server whose answers the test sets: Pebble's <c>pebble-challtestsrv</c> on free
/// loopback ports, DNS only, with no default address (a name without a record has none).
/// </summary>
internal sealed class ChallengeTestDns : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private readonly RunningProcess _process;
    private readonly int _managementPort;

    private ChallengeTestDns(RunningProcess process, int dnsPort, int managementPort)
    {
        _process = process;
        DnsPort = dnsPort;
        _managementPort = managementPort;
    }

    public int DnsPort { get; }

    /// <summary>What <c>Mesh:Acme:Resolver</c> takes.</summary>
    public string Endpoint => $"127.0.0.1:{DnsPort}";

    public static async Task<ChallengeTestDns> StartAsync()
    {
        var (dns, management) = (FreePort.Next(), FreePort.Next());
        var process = RunningProcess.Start("pebble-challtestsrv",
        [
            "-dns01", $"127.0.0.1:{dns}", "-management", $"127.0.0.1:{management}",
            "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "", "-defaultIPv6", "",
        ]);
        await process.WaitForLineAsync("Starting management server", TimeSpan.FromSeconds(15));
        var server = new ChallengeTestDns(process, dns, management);
        await Eventually.Succeeds(() => server.PostAsync("clear-a", new { host = "ready.invalid" }), TimeSpan.FromSeconds(10));
        return server;
    }

    /// <summary>Makes the host's A answer exactly these addresses.</summary>
    public async Task SetAAsync(string host, params string[] addresses)
    {
        await PostAsync("clear-a", new { host });
        await PostAsync("add-a", new { host, addresses });
    }

    public async Task SetAaaaAsync(string host, params string[] addresses)
    {
        await PostAsync("clear-aaaa", new { host });
        await PostAsync("add-aaaa", new { host, addresses });
    }

    private async Task<bool> PostAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync($"http://127.0.0.1:{_managementPort}/{path}", body);
        response.EnsureSuccessStatusCode();
        return true;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
