using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Runs the real `mesh` binary, as a user would, and captures what it prints. It reaches the API
/// the way a user's shell would tell it to: the data directory (api.json, operator.token), or
/// MESH_API_URL / MESH_API_TOKEN; nothing from the test runner's own environment leaks in.
/// </summary>
internal sealed partial class MeshCli
{
    private static readonly string[] Isolated = ["MESH_API_URL", "MESH_API_TOKEN", "MESH_API_CA", "MESH_REDIS"];

    private readonly Dictionary<string, string> _env;

    private MeshCli(Dictionary<string, string> env, string[] extra)
    {
        _env = env;
        Extra = extra;
    }

    private string[] Extra { get; }

    /// <summary>Discovery from the embedded silo's data directory (its api.json and operator token).</summary>
    public static MeshCli ForDataDir(string dataDir) => new(Env(("MESH_DATA_DIR", dataDir)), []);

    /// <summary>An API named by URL and token, through MESH_API_URL / MESH_API_TOKEN.</summary>
    public static MeshCli ForApi(string url, string token) =>
        new(Env(("MESH_API_URL", url), ("MESH_API_TOKEN", token), ("MESH_DATA_DIR", Path.Combine(Path.GetTempPath(), "mesh-no-data-dir"))), []);

    /// <summary>The API a silo announced on its ready line (<c>api=URL</c>), with this token.</summary>
    public static MeshCli ForSilo(SiloProcess silo, string token) => ForApi(ApiUrlOf(silo.ReadyLine), token);

    public static string ApiUrlOf(string readyLine) =>
        ApiUrl().Match(readyLine) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no api=URL in '{readyLine}'");

    /// <summary>The same discovery, with this token in MESH_API_TOKEN (e.g. an org token instead of the operator's).</summary>
    public MeshCli WithToken(string token) => new(new Dictionary<string, string>(_env) { ["MESH_API_TOKEN"] = token }, Extra);

    /// <summary>The same, with this environment variable (e.g. MESH_API_CA).</summary>
    public MeshCli WithEnv(string key, string value) => new(new Dictionary<string, string>(_env) { [key] = value }, Extra);

    /// <summary>The same, with these arguments after every command's own (e.g. <c>--token T</c>).</summary>
    public MeshCli WithArgs(params string[] args) => new(_env, [.. Extra, .. args]);

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(90), args);

    /// <summary>Runs to the end, or kills it and fails the test when it is still running after <paramref name="limit"/>.</summary>
    public async Task<CliResult> RunAsync(TimeSpan limit, params string[] args)
    {
        using var process = Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mesh {string.Join(' ', args)} still running after {limit.TotalSeconds:0} s; output so far: {await stderr}");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>
    /// Starts it and returns the process (for signals). SIGINT is reset to its default first: a
    /// test runner started in the background passes SIGINT down ignored, and a CLI that was
    /// started ignoring it rightly keeps ignoring it.
    /// </summary>
    public Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Repo.CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var a in Extra) info.ArgumentList.Add(a);
        foreach (var (k, v) in _env) info.Environment[k] = v;
        var process = Process.Start(info)!;
        process.StandardInput.Close();
        return process;
    }

    /// <summary>Runs and asserts success, returning stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode == 0, $"mesh {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r.Stdout;
    }

    /// <summary>Runs and asserts the CLI's failure shape: exit 1, one line on stderr starting "Error: ", no stack trace; returns that line.</summary>
    public async Task<string> FailsAsync(params string[] args)
    {
        var r = await RunAsync(args);
        return AssertOneLineFailure(r, args);
    }

    public static string AssertOneLineFailure(CliResult r, string[] args, int exitCode = 1)
    {
        Assert.True(r.ExitCode == exitCode, $"mesh {string.Join(' ', args)} exited {r.ExitCode}, not {exitCode}: {r.Stdout}{r.Stderr}");
        var line = Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("Error: ", line);
        Assert.DoesNotContain("   at ", r.Stderr);
        return line;
    }

    private static Dictionary<string, string> Env(params (string Key, string Value)[] values)
    {
        // Empty counts as unset for the CLI: the runner's own MESH_* variables do not leak in.
        var env = Isolated.ToDictionary(k => k, _ => "");
        foreach (var (k, v) in values) env[k] = v;
        return env;
    }

    [GeneratedRegex(@"\bapi=(\S+)")]
    private static partial Regex ApiUrl();
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);
