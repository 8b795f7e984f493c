namespace Mesh.Tests.Infrastructure;

/// <summary>A real Mesh.Silo process, started and awaited until it says it is ready.</summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private SiloProcess(RunningProcess process, int siloPort, int gatewayPort)
    {
        Process = process;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
    }

    public RunningProcess Process { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string ReadyLine { get; private set; } = "";

    /// <summary>A cluster silo (Redis) needs <paramref name="tlsDir"/>; an embedded one makes its own in its data directory.</summary>
    public static async Task<SiloProcess> StartAsync(
        string region, string? redis = null, string? dataDir = null, string? serviceId = null,
        IDictionary<string, string>? env = null, int? siloPort = null, int? gatewayPort = null, int apiPort = 0, string? tlsDir = null)
    {
        // Orleans must be told its ports, so the ones picked here are free only when picked: another
        // process can take one before the silo binds it. Picked ports get fresh ones, up to three
        // tries in all; ports the caller gave (a restart on the same ports) fail as they are.
        for (var attempt = 1; ; attempt++)
        {
            var sp = siloPort ?? FreePort.Next();
            var gp = gatewayPort ?? FreePort.Next();
            // The API port is a free one unless asked for: cluster-mode silos on one address would all want 4280.
            var args = new List<string> { Repo.SiloDll, "--region", region, "--silo-port", sp.ToString(), "--gateway-port", gp.ToString(), "--api-port", apiPort.ToString() };
            if (redis is not null) args.AddRange(["--redis", redis]);
            if (dataDir is not null) args.AddRange(["--data-dir", dataDir]);
            if (tlsDir is not null) args.AddRange(["--tls-dir", tlsDir]);
            if (serviceId is not null) args.AddRange(["--service-id", serviceId, "--cluster-id", serviceId]);
            var process = RunningProcess.Start("dotnet", args, env);
            var silo = new SiloProcess(process, sp, gp);
            try
            {
                silo.ReadyLine = await process.WaitForLineAsync("mesh-silo ready", TimeSpan.FromSeconds(60));
                return silo;
            }
            catch (TimeoutException) when (attempt < 3 && siloPort is null && gatewayPort is null && process.Output.Contains("ddress already in use", StringComparison.Ordinal))
            {
                await process.DisposeAsync();
            }
        }
    }

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
