using System.Threading.Channels;

namespace Mesh.Gateway.Hosting;

/// <summary>
/// Says when the Orleans client got its connection to the cluster back (or gained a gateway).
/// Observers registered with a silo die with it: whoever holds a subscription renews it at once
/// instead of waiting for its renewal timer (a restarted silo is otherwise a minute of stale table).
/// </summary>
public sealed class ClusterReconnects
{
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Signal() => _signals.Writer.TryWrite(true);

    /// <summary>Completes at the next reconnect (or at one that happened since the last call).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _signals.Reader.ReadAsync(cancellationToken);
    }
}
