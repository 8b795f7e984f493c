using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Health;

namespace Mesh.Tests.Health;

public sealed class TcpProbeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task A_listening_instance_passes()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        var result = await TcpProbe.CheckAsync((IPEndPoint)listener.LocalEndpoint, Timeout, CancellationToken.None);

        Assert.Equal(HealthCheckResult.Pass("connected"), result);
    }

    [Fact]
    public async Task A_closed_port_fails_as_refused()
    {
        IPEndPoint closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = (IPEndPoint)listener.LocalEndpoint;
        }

        var result = await TcpProbe.CheckAsync(closed, Timeout, CancellationToken.None);

        Assert.Equal(HealthCheckResult.Fail("connection refused"), result);
    }

    [Fact]
    public async Task Cancelling_a_run_is_not_a_result()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => TcpProbe.CheckAsync((IPEndPoint)listener.LocalEndpoint, Timeout, new CancellationToken(true)));
    }
}
