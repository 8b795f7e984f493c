namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real gRPC server (Scripts/grpc_echo_server.py on Debian's python3-grpcio) on a free
/// loopback port, speaking h2c only: an <c>h2_backend</c> instance. <see cref="CallAsync"/> runs
/// the matching real gRPC client.
/// </summary>
internal sealed class GrpcEchoApp : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly RunningProcess _process;

    private GrpcEchoApp(RunningProcess process, string address)
    {
        _process = process;
        Address = address;
    }

    public string Address { get; }

    private static string Script(string name) => Path.Combine(Repo.Root, "Mesh.Tests", "Scripts", name);

    public static async Task<GrpcEchoApp> StartAsync(string name)
    {
        var process = RunningProcess.Start(Python, [Script("grpc_echo_server.py"), name]);
        var ready = await process.WaitForLineAsync("ready ", TimeSpan.FromSeconds(30));
        return new GrpcEchoApp(process, $"127.0.0.1:{ready.Split(' ')[1].Trim()}");
    }

    /// <summary>Say, Count and Fail through <paramref name="target"/>; one output line per call.</summary>
    public static Task<CliResult> CallAsync(string target, string? rootPemFile = null, string? serverName = null) =>
        Tool.RunAsync(Python, rootPemFile is null
            ? [Script("grpc_echo_client.py"), target, "plain"]
            : [Script("grpc_echo_client.py"), target, "tls", rootPemFile, serverName!]);

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
