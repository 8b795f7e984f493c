using ARSoft.Tools.Net.Dns;

namespace Mesh.Gateway.Dns;

/// <summary>
/// ARSoft's TCP transport with what its server loop lacks: (1) the loop never disposes a
/// connection whose client closed or went idle (its reference count is left at one), so each
/// would hold a socket until a finaliser ran; (2) nothing bounds how many are open; (3) a failing
/// accept returns at once and the loop spins on it. This wrapper closes finished connections,
/// caps open ones and pauses after a failed accept.
/// </summary>
public sealed class GuardedTcpServerTransport(TcpServerTransport inner, int maxConnections, TimeSpan closeGrace) : IServerTransport
{
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(50);

    private int _open;

    /// <summary>TCP connections open now.</summary>
    public int Open => Volatile.Read(ref _open);

    public ushort DefaultAllowedResponseSize => inner.DefaultAllowedResponseSize;

    public bool SupportsMultipleResponses => inner.SupportsMultipleResponses;

    public bool AllowTruncatedResponses => inner.AllowTruncatedResponses;

    public TransportProtocol TransportProtocol => inner.TransportProtocol;

    /// <summary>How long a connection whose client is done stays open for a response still being written.</summary>
    internal TimeSpan CloseGrace => closeGrace;

    public void Bind() => inner.Bind();

    public void Close() => inner.Close();

    // The server's loop is async void: nothing may escape from here.
    public async Task<IServerConnection?> AcceptConnectionAsync(CancellationToken token = default)
    {
        var connection = await inner.AcceptConnectionAsync(token);
        if (connection is null)
        {
            try
            {
                await Task.Delay(AcceptRetryDelay, token);
            }
            catch (OperationCanceledException)
            {
            }
            return null;
        }
        if (Interlocked.Increment(ref _open) > maxConnections)
        {
            Interlocked.Decrement(ref _open);
            connection.Dispose();
            return null;
        }
        return new GuardedTcpConnection(this, connection);
    }

    internal void Closed() => Interlocked.Decrement(ref _open);

    public void Dispose() => inner.Dispose();
}
