using System.Net;
using System.Net.Sockets;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A port the kernel just handed out for port 0, for programs (redis-server, silos) that must be
/// told a port up front. Ports come from the ephemeral range and are not reused quickly.
/// </summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
