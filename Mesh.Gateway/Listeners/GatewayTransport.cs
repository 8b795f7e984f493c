using System.Net;
using System.Threading.Channels;
using Mesh.Gateway.Routing;
using Microsoft.AspNetCore.Connections;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// The transport behind the virtual endpoints: a channel of accepted connections per pipeline
/// kind. The listener manager writes, Kestrel's accept loop reads.
/// </summary>
public sealed class GatewayTransport : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    private readonly Dictionary<(ListenerKind, bool), Channel<ConnectionContext>> _channels =
        Enum.GetValues<ListenerKind>().SelectMany(k => new[] { (k, false), (k, true) }).ToDictionary(k => k, _ => Channel.CreateBounded<ConnectionContext>(new BoundedChannelOptions(4096)
        {
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        }));

    public bool CanBind(EndPoint endpoint) => endpoint is PipelineEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var pipeline = (PipelineEndPoint)endpoint;
        return ValueTask.FromResult<IConnectionListener>(new Listener(endpoint, _channels[(pipeline.Kind, pipeline.DirectTls)].Reader));
    }

    /// <summary>Hands an accepted connection to the pipeline of its kind; waits if Kestrel is behind (backpressure on accept).</summary>
    public ValueTask Dispatch(ListenerKind kind, ConnectionContext connection, CancellationToken cancellationToken, bool directTls = false) =>
        _channels[(kind, directTls)].Writer.WriteAsync(connection, cancellationToken);

    private sealed class Listener(EndPoint endpoint, ChannelReader<ConnectionContext> reader) : IConnectionListener
    {
        private readonly CancellationTokenSource _unbound = new();

        public EndPoint EndPoint { get; } = endpoint;

        public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _unbound.Token);
            try
            {
                return await reader.ReadAsync(linked.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            catch (ChannelClosedException)
            {
                return null;
            }
        }

        public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
        {
            _unbound.Cancel();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            _unbound.Cancel();
            _unbound.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
