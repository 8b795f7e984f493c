using System.Net;
using System.Net.Sockets;
using Mesh.Silo.Api;
using Mesh.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Mesh.Tests.Api;

/// <summary>
/// A silo left to pick its API port holds that port from the moment it picks it: no other process
/// can take it before the API listens (the silo would otherwise fail to start).
/// </summary>
public sealed class ApiPortReservationTests
{
    [Fact]
    public void A_picked_port_is_held_until_the_api_listens_on_it()
    {
        using var dir = new Mesh.Tests.Infrastructure.TempDir();
        var silo = new SiloSettings("ams", null, 0, 0, IPAddress.Loopback, dir.Path, "c", "s", false);
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Mesh:Api:Port"] = "0" }).Build();

        var api = ApiSettings.From(config, silo);

        Assert.NotEqual(0, api.Port);
        var endpoint = new IPEndPoint(IPAddress.Loopback, api.Port);
        using (var intruder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            var refused = Assert.Throws<SocketException>(() => intruder.Bind(endpoint));
            Assert.Equal(SocketError.AddressAlreadyInUse, refused.SocketErrorCode);
        }
        using var listening = api.Reservation!.CreateBoundListenSocket(endpoint);
        listening.Listen();
        using var client = new TcpClient();
        client.Connect(endpoint);
        Assert.True(client.Connected);
    }
}
