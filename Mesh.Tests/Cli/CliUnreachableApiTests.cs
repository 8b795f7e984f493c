using System.Net;
using System.Net.Sockets;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>The CLI when the API is gone or silent: one line and a clear exit code, never a hang or a stack trace.</summary>
[Collection(ProcessTests.Name)]
public sealed class CliUnreachableApiTests
{
    private static readonly string AnyToken = "mesh_org_0123456789abcdef_" + new string('x', 43);

    [Fact]
    public async Task A_killed_silo_leaves_a_stale_api_file_that_fails_fast_with_one_line()
    {
        using var dir = new TempDir();
        var mesh = MeshCli.ForDataDir(dir.Path);
        string url;
        await using (var silo = await SiloProcess.StartAsync("fra", dataDir: dir.Path))
        {
            url = MeshCli.ApiUrlOf(silo.ReadyLine);
            await mesh.OkAsync("apps", "list");
            silo.Process.Kill();
            await silo.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        Assert.True(File.Exists(Path.Combine(dir.Path, "api.json")), "the killed silo's api.json is still there");

        // Well within the 5 s connect timeout plus start-up; a hang (the old 3 minutes) fails here.
        var args = new[] { "apps", "list" };
        var r = await mesh.RunAsync(TimeSpan.FromSeconds(30), args);
        var line = MeshCli.AssertOneLineFailure(r, args);
        Assert.StartsWith($"Error: cannot reach the mesh API at {url.TrimEnd('/')}: connection refused (is the silo running?", line);
        Assert.Contains("which is not running", line);
    }

    [Fact]
    public async Task Ctrl_c_while_the_api_does_not_answer_exits_130_with_one_line()
    {
        // Accepts the connection, never answers: the CLI is waiting on the response when interrupted.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var args = new[] { "apps", "list" };
        using var process = MeshCli.ForApi($"http://127.0.0.1:{port}", AnyToken).Start(args);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();

        using var accepted = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, NativeMethods.Kill(process.Id, SigInt));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var line = MeshCli.AssertOneLineFailure(new CliResult(process.ExitCode, await stdout, await stderr), args, exitCode: 130);
        Assert.Equal("Error: interrupted", line);
    }

    [Fact]
    public async Task An_api_that_is_not_the_mesh_api_is_one_line()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serve = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[4096];
            _ = await stream.ReadAsync(buffer);
            var body = "<html>not here</html>"u8.ToArray();
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n"));
            await stream.WriteAsync(body);
        });
        var line = await MeshCli.ForApi($"http://127.0.0.1:{port}", AnyToken).FailsAsync("apps", "list");
        Assert.Equal($"Error: the mesh API at http://127.0.0.1:{port} answered 502 Bad Gateway", line);
        await serve;
    }

    private const int SigInt = 2;
}
