using System.Diagnostics;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server (Debian's package) on a free loopback port, in a temporary data
/// directory owned by the postgres user, with trust authentication on loopback.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _dir;
    private RunningProcess? _process;

    private PostgresServer(string dir) => _dir = dir;

    public int Port { get; } = FreePort.Next();

    public string Address => $"127.0.0.1:{Port}";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")).First(d => File.Exists(Path.Combine(d, "initdb")));
        var dir = Path.Combine(Path.GetTempPath(), "mesh-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(dir);
        await Tool.RunAsync("chown", ["postgres:postgres", dir]);
        var data = Path.Combine(dir, "data");
        var init = await Tool.RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(bin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync"], timeout: TimeSpan.FromSeconds(120));
        if (init.ExitCode != 0) throw new InvalidOperationException("initdb failed: " + init.Stderr + init.Stdout);
        var server = new PostgresServer(dir);
        server._process = RunningProcess.Start("runuser", ["-u", "postgres", "--", Path.Combine(bin, "postgres"), "-D", data,
            "-c", "listen_addresses=127.0.0.1", "-p", server.Port.ToString(), "-c", $"unix_socket_directories={dir}", "-c", "fsync=off"]);
        await server._process.WaitForLineAsync("database system is ready to accept connections", TimeSpan.FromSeconds(60));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null) await _process.DisposeAsync();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
