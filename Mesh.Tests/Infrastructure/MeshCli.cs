using System.Diagnostics;

namespace Mesh.Tests.Infrastructure;

/// <summary>Runs the real `mesh` binary, as a user would, and captures what it prints.</summary>
internal sealed class MeshCli(IDictionary<string, string> env)
{
    public static MeshCli ForDataDir(string dataDir) => new(new Dictionary<string, string> { ["MESH_DATA_DIR"] = dataDir, ["MESH_REDIS"] = "" });

    public static MeshCli ForRedis(string redis, string serviceId) =>
        new(new Dictionary<string, string> { ["MESH_REDIS"] = redis }) { Extra = ["--service-id", serviceId, "--cluster-id", serviceId] };

    private string[] Extra { get; init; } = [];

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Repo.CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var a in Extra) info.ArgumentList.Add(a);
        foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs and asserts success, returning stdout.</summary>
    public async Task<string> OkAsync(params string[] args)
    {
        var r = await RunAsync(args);
        Assert.True(r.ExitCode == 0, $"mesh {string.Join(' ', args)} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");
        return r.Stdout;
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr);
