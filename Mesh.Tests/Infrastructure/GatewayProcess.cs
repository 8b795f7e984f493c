using System.Net.Http.Json;
using System.Text.Json;

namespace Mesh.Tests.Infrastructure;

/// <summary>A real Mesh.Gateway process, awaited until its first route table is loaded and its listeners are open.</summary>
internal sealed class GatewayProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private GatewayProcess(RunningProcess process, string admin, string readyLine, string? adminToken)
    {
        Process = process;
        Admin = admin;
        ReadyLine = readyLine;
        AdminToken = adminToken;
    }

    public string ReadyLine { get; }

    /// <summary>The <c>Mesh:Gateway:AdminToken</c> the gateway was started with, sent with every /status read.</summary>
    public string? AdminToken { get; }

    public RunningProcess Process { get; }

    public string Admin { get; }

    public static async Task<GatewayProcess> StartAsync(string region, string dataDir, params string[] extra)
    {
        var args = new List<string> { Repo.GatewayDll, "--region", region, "--data-dir", dataDir, "--admin-port", "0" };
        args.AddRange(extra);
        var process = RunningProcess.Start("dotnet", args);
        var line = await process.WaitForLineAsync("mesh-gateway ready", TimeSpan.FromSeconds(60));
        var admin = line.Split(' ').First(p => p.StartsWith("admin=", StringComparison.Ordinal))["admin=".Length..];
        return new GatewayProcess(process, admin, line, AdminTokenIn(extra));
    }

    private static string? AdminTokenIn(string[] args)
    {
        const string key = "--Mesh:Gateway:AdminToken";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == key && i + 1 < args.Length) return args[i + 1];
            if (args[i].StartsWith(key + "=", StringComparison.Ordinal)) return args[i][(key.Length + 1)..];
        }
        return null;
    }

    public async Task<JsonElement> StatusAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Admin + "/status");
        if (AdminToken is not null) request.Headers.Authorization = new("Bearer", AdminToken);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A counter from /status ("accepted", "error.tls_handshake", …), 0 when never counted.</summary>
    public async Task<long> CounterAsync(string name)
    {
        var status = await StatusAsync();
        return status.GetProperty("counters").TryGetProperty(name, out var v) ? v.GetInt64() : 0;
    }

    public async Task<long> TableVersionAsync() => (await StatusAsync()).GetProperty("tableVersion").GetInt64();

    /// <summary>
    /// Waits until the gateway has applied at least <paramref name="version"/> of the route table.
    /// Polls the admin endpoint; the deadline only bounds a failure.
    /// </summary>
    public async Task WaitForVersionAsync(long version, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? TimeSpan.FromSeconds(10));
        while (await TableVersionAsync() < version)
        {
            if (DateTime.UtcNow > until) throw new TimeoutException($"gateway did not reach table version {version}");
            await Task.Delay(PollInterval);
        }
    }

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
