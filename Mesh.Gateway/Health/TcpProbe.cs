using System.Net;
using System.Net.Sockets;

namespace Mesh.Gateway.Health;

/// <summary>A <c>tcp_checks</c> run: the instance passes when it accepts a connection within the timeout.</summary>
public static class TcpProbe
{
    public static async Task<HealthCheckResult> CheckAsync(IPEndPoint endpoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(endpoint, deadline.Token);
            return HealthCheckResult.Pass("connected");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Fail($"no connection within {ProbeText.Duration(timeout)}");
        }
        catch (SocketException e)
        {
            return HealthCheckResult.Fail(ProbeText.Socket(e.SocketErrorCode));
        }
    }
}
