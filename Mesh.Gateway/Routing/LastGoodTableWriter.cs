using System.Threading.Channels;
using Mesh.Domain.Routing;
using Microsoft.Extensions.Hosting;

namespace Mesh.Gateway.Routing;

/// <summary>
/// Saves the table after it changes, off the sync loop and at most once per second: a burst of
/// deltas (a deploy, a region of instances starting) costs one write of the latest table.
/// </summary>
public sealed class LastGoodTableWriter(LastGoodTableStore store) : BackgroundService
{
    private static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    private readonly Channel<RouteTableReplica> _latest = Channel.CreateBounded<RouteTableReplica>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    public void Offer(RouteTableReplica replica)
    {
        if (store.Directory is not null) _latest.Writer.TryWrite(replica);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var replica in _latest.Reader.ReadAllAsync(stoppingToken))
            {
                Save(replica);
                await Task.Delay(MinInterval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        // A change that arrived during the last interval is saved on the way out.
        if (_latest.Reader.TryRead(out var pending)) Save(pending);
    }

    private void Save(RouteTableReplica replica) => store.Save(replica.ToSnapshot());
}
