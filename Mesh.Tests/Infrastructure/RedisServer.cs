namespace Mesh.Tests.Infrastructure;

/// <summary>A real redis-server on a free loopback port, with its data in a temporary directory.</summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly TempDir _dir = new();
    private RunningProcess _process = null!;

    public int Port { get; } = FreePort.Next();

    public string Connection => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var redis = new RedisServer();
        await redis.RunAsync();
        return redis;
    }

    /// <summary>Stops the server hard and starts it again on the same port and data (append-only file).</summary>
    public async Task RestartAsync()
    {
        await _process.DisposeAsync();
        await RunAsync();
    }

    private async Task RunAsync()
    {
        _process = RunningProcess.Start("redis-server",
        [
            "--bind", "127.0.0.1", "--port", Port.ToString(), "--dir", _dir.Path,
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--protected-mode", "no",
        ]);
        await _process.WaitForLineAsync("Ready to accept connections", TimeSpan.FromSeconds(20));
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dir.Dispose();
    }
}
