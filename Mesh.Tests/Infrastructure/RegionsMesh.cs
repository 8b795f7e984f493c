using System.Text.Json;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// The three-region mesh of <c>deploy/mesh-regions</c> (namespaces, Redis, a silo and a gateway per
/// region, the sample app with an instance in each), brought up for a test and torn down after.
/// Needs root. Runs the deploy script exactly as the README tells a newcomer to.
/// </summary>
internal sealed class RegionsMesh : IAsyncDisposable
{
    public const string Name = "meshtest";
    public static readonly string[] Regions = ["ams", "iad", "sin"];
    private static readonly Dictionary<string, string> Env = new() { ["MESH_REGIONS_NAME"] = Name, ["MESH_SKIP_BUILD"] = "1" };
    private readonly List<RunningProcess> _probes = [];

    private RegionsMesh(string v4) => V4 = v4;

    /// <summary>The sample app's dedicated (anycast) IPv4 address.</summary>
    public string V4 { get; }

    public static string StateDir => $"/run/mesh-regions/{Name}";

    public static string Redis => "10.99.0.1:6379";

    /// <summary>The operator certificate the script issued for its <c>cli</c> subcommand.</summary>
    public static string OperatorTls => $"{StateDir}/tls/operator";

    /// <summary>A region's gateway admin endpoint, reachable from the host over the backbone.</summary>
    public static string AdminOf(string region) => $"http://10.99.0.{11 + Array.IndexOf(Regions, region)}:9091";

    private static string Script => Path.Combine(Repo.Root, "deploy", "mesh-regions");

    /// <summary>Runs <c>up --sample</c> with <paramref name="options"/> (e.g. <c>--acme</c>).</summary>
    public static async Task<RegionsMesh> UpAsync(params string[] options)
    {
        if (Environment.UserName != "root") throw new InvalidOperationException("the multi-region mesh needs root (network namespaces)");
        // A crashed earlier run may have left one behind.
        await RunAsync("down");
        var up = await RunAsync(["up", "--sample", .. options]);
        if (up.ExitCode != 0) throw new InvalidOperationException($"mesh-regions up failed:\n{up.Stdout}\n{up.Stderr}");
        var line = up.Stdout.Split('\n').First(l => l.Contains("(dedicated "));
        var v4 = line[(line.IndexOf("(dedicated ", StringComparison.Ordinal) + 11)..].Split(',')[0];
        return new RegionsMesh(v4);
    }

    public static Task<CliResult> RunAsync(params string[] args) =>
        Tool.RunAsync("bash", [Script, .. args], env: Env, timeout: TimeSpan.FromMinutes(5));

    /// <summary>Runs a program in one of the mesh's namespaces (<c>c-ams</c>, <c>i-ID</c>, <c>iad</c> …).</summary>
    public Task<CliResult> ExecAsync(string where, params string[] command) => RunAsync(["exec", where, .. command]);

    public Task<CliResult> CliAsync(params string[] args) => RunAsync(["cli", .. args]);

    /// <summary>curl from a namespace; the body (empty on failure).</summary>
    public async Task<string> CurlAsync(string where, string url, params string[] extra) =>
        (await ExecAsync(where, ["curl", "-s", "--max-time", "10", .. extra, url])).Stdout;

    public async Task<IReadOnlyList<InstanceRow>> InstancesAsync(string app)
    {
        var result = await CliAsync("instances", "list", "-a", app, "--json");
        if (result.ExitCode != 0) throw new InvalidOperationException(result.Stderr);
        using var doc = JsonDocument.Parse(result.Stdout);
        return doc.RootElement.EnumerateArray().Select(e => new InstanceRow(
            e.GetProperty("id").GetString()!, e.GetProperty("region").GetString()!, e.GetProperty("privateIp").GetString()!,
            e.GetProperty("outboundIp").GetString()!, e.GetProperty("health").GetString()!,
            e.TryGetProperty("outboundIpV4", out var v4) ? v4.GetString() : null)).ToList();
    }

    /// <summary>A client in a region's client namespace requesting <paramref name="url"/> continuously (deploy/probe-client.py).</summary>
    public async Task<ProbeClient> ProbeAsync(string region, string url)
    {
        var process = RunningProcess.Start("ip", ["netns", "exec", $"{Name}-c-{region}", "/usr/bin/python3", Path.Combine(Repo.Root, "deploy", "probe-client.py"), url]);
        _probes.Add(process);
        await process.WaitForLineAsync("probe-client ready", TimeSpan.FromSeconds(30));
        return new ProbeClient(process);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var p in _probes) await p.DisposeAsync();
        await RunAsync("down");
    }
}

internal sealed record InstanceRow(string Id, string Region, string PrivateIp, string OutboundIp, string Health, string? OutboundIpV4 = null);
