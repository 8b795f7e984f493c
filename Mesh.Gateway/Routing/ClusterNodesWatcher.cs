using System.Net;
using Mesh.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Keeps the table factory's view of the cluster's node endpoints current (silos join and leave
/// rarely: a minute is soon enough), and rebuilds the table when it changes so instances
/// registered at a node's address stop being dialled.
/// </summary>
public sealed partial class ClusterNodesWatcher(
    IClusterClient client,
    GatewayState state,
    TableFactory factory,
    ILogger<ClusterNodesWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = Interval;
            try
            {
                var endpoints = await client.GetGrain<IClusterInfoGrain>(0).NodeEndpoints();
                var nodes = endpoints.Select(e => IPEndPoint.TryParse(e, out var ep) ? ep : null).OfType<IPEndPoint>().ToHashSet();
                if (factory.SetNodes(nodes) && state.IsReady)
                {
                    var current = state.Table;
                    state.TryRepublish(current, factory.Build(current.Unfiltered));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The cluster may be unreachable: the nodes known so far keep applying.
                LogFailed(e.GetType().Name, e.Message.Split('\n')[0]);
                wait = Retry;
            }
            try
            {
                await Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Reading the cluster's nodes failed ({Kind}: {Message})")]
    private partial void LogFailed(string kind, string message);
}
