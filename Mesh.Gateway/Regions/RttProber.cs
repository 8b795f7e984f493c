using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Regions;

/// <summary>
/// Measures this gateway's round-trip time to every other region of the cluster and publishes it
/// to its region's grain, where every gateway of the region (and <c>mesh regions list --rtt</c>)
/// reads it. A sample is the time a TCP handshake with one of the region's silos takes (one
/// round trip, answered by the peer's kernel, so application load does not inflate it); the
/// reported value is the smallest of a few samples, which filters queueing noise.
/// </summary>
public sealed partial class RttProber(
    IClusterClient client,
    IOptions<GatewayOptions> options,
    GatewayMetrics metrics,
    ILogger<RttProber> logger) : BackgroundService
{
    private const int SamplesPerRound = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        if (o.RttProbeInterval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(o.RttProbeInterval);
        do
        {
            try
            {
                await ProbeOnceAsync(o.Region, o.ConnectTimeout, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The cluster may be down: the picker keeps the last RTTs it has.
                LogFailed(e.GetType().Name, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task ProbeOnceAsync(string ownRegion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var members = await client.GetGrain<IClusterInfoGrain>(0).Members();
        var targets = members
            .Where(m => m.Status == "Active" && m.Region != ownRegion)
            .Select(m => (m.Region, Endpoint: IPEndPoint.TryParse(m.Address, out var ep) ? ep : null))
            .Where(m => m.Endpoint is not null)
            .GroupBy(m => m.Region, m => m.Endpoint!, StringComparer.Ordinal);
        var region = client.GetGrain<IRegionGrain>(ownRegion);
        foreach (var group in targets)
        {
            double? best = null;
            foreach (var endpoint in group)
            {
                for (var i = 0; i < SamplesPerRound; i++)
                {
                    if (await SampleAsync(endpoint, timeout, cancellationToken) is { } ms && (best is null || ms < best)) best = ms;
                }
            }
            if (best is { } rtt)
            {
                await region.ReportRtt(group.Key, rtt);
                metrics.Count("rtt.reported");
            }
        }
    }

    /// <summary>One TCP handshake's duration in milliseconds, or null when the silo does not answer in time.</summary>
    public static async Task<double?> SampleAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await socket.ConnectAsync(target, cts.Token);
            return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "RTT probe round failed ({Kind}: {Message})")]
    private partial void LogFailed(string kind, string message);
}
