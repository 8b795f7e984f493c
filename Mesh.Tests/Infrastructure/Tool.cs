using System.Diagnostics;

namespace Mesh.Tests.Infrastructure;

/// <summary>Runs a real client program (openssl, curl, psql …) to completion and captures its output.</summary>
internal static class Tool
{
    public static async Task<CliResult> RunAsync(string program, IEnumerable<string> args, string? stdin = null, IDictionary<string, string>? env = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(30));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary><c>openssl s_client</c> to an address, with extra flags; the handshake result is in the output.</summary>
    public static Task<CliResult> SClientAsync(string address, int port, params string[] flags) =>
        RunAsync("openssl", ["s_client", "-connect", $"{address}:{port}", "-ign_eof", .. flags], stdin: "");
}
