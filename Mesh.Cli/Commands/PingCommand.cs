using System.CommandLine;
using System.Diagnostics;
using Mesh.Interfaces;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh ping [-n N]</c>: round trips to the cluster, to see how far away the control plane is
/// (a stateless grain on the nearest silo, and the app catalogue wherever it lives).
/// </summary>
internal static class PingCommand
{
    public static Command Build()
    {
        var count = new Option<int>("--count", "-n") { Description = "Round trips per target", DefaultValueFactory = _ => 200 };
        return new Command("ping", "Measure round trips to the cluster").With(count).RunsSdk(async (p, c) =>
        {
            var n = Math.Clamp(p.GetValue(count), 1, 100_000);
            var silo = await Measure(n, () => c.Grains.GetGrain<IClusterInfoGrain>(0).Members());
            var catalog = await Measure(n, () => c.Grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).List(null));
            var result = new { count = n, silo, catalog };
            c.Out.Print(result, r =>
                $"silo (stateless):     p50 {r.silo.P50Ms:0.000} ms  p99 {r.silo.P99Ms:0.000} ms  max {r.silo.MaxMs:0.000} ms\n" +
                $"app catalogue (grain): p50 {r.catalog.P50Ms:0.000} ms  p99 {r.catalog.P99Ms:0.000} ms  max {r.catalog.MaxMs:0.000} ms\n");
        });
    }

    private static async Task<Latency> Measure<T>(int n, Func<Task<T>> call)
    {
        // The first calls pay for connection setup and JIT; they are not what a user waits for later.
        for (var i = 0; i < Math.Min(n, 50); i++) await call();
        var samples = new double[n];
        for (var i = 0; i < n; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(samples);
        return new Latency(samples[n / 2], samples[Math.Min(n - 1, (int)(n * 0.99))], samples[^1]);
    }

    private sealed record Latency(double P50Ms, double P99Ms, double MaxMs);
}
