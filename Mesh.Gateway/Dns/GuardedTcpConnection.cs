using System.Net;
using ARSoft.Tools.Net.Dns;

namespace Mesh.Gateway.Dns;

/// <summary>
/// One TCP connection of <see cref="GuardedTcpServerTransport"/>: when the server's read loop
/// ends (client closed, idle timeout, server stopping), the connection is disposed after a grace
/// period for responses still being sent, and counted as closed once.
/// </summary>
internal sealed class GuardedTcpConnection(GuardedTcpServerTransport transport, IServerConnection inner) : IServerConnection
{
    private int _disposed;

    public IServerTransport Transport => transport;

    public IPEndPoint RemoteEndPoint => inner.RemoteEndPoint;

    public IPEndPoint LocalEndPoint => inner.LocalEndPoint;

    public bool CanRead => inner.CanRead;

    public Task<bool> InitializeAsync(CancellationToken token) => inner.InitializeAsync(token);

    public async Task<DnsReceivedRawPackage?> ReceiveAsync(CancellationToken token)
    {
        var package = await inner.ReceiveAsync(token);
        if (package is null)
        {
            // The server loop stops reading here and never disposes this connection itself.
            _ = Task.Delay(transport.CloseGrace, CancellationToken.None)
                .ContinueWith(static (_, c) => ((GuardedTcpConnection)c!).Dispose(), this, TaskScheduler.Default);
        }
        return package;
    }

    public Task<bool> SendAsync(DnsRawPackage package, CancellationToken token) => inner.SendAsync(package, token);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        inner.Dispose();
        transport.Closed();
    }
}
