using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Udp;

/// <summary>Clients of a UDP service through the gateway, and the configs that declare one.</summary>
internal static class UdpClients
{
    /// <summary>A UDP service on <paramref name="port"/> (the instance's port is the registered one: the only service, or the first).</summary>
    public static string Service(int port, string extra = "") => $$"""
        [[services]]
          internal_port = {{port}}
          protocol = "udp"
          {{extra}}
          [[services.ports]]
            port = {{port}}
        """;

    /// <summary>
    /// Sends <c>!TEXT</c> from <paramref name="client"/> (connected to the address it dials, so only
    /// replies from that address and port reach it) and returns the reply, or null after a few tries.
    /// A try is a datagram and a bounded wait, as any UDP client retries; nothing here sleeps.
    /// </summary>
    public static async Task<string?> AskAsync(UdpClient client, string text, int tries = 3)
    {
        var datagram = Encoding.ASCII.GetBytes("!" + text);
        for (var i = 0; i < tries; i++)
        {
            await client.SendAsync(datagram);
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                var reply = await client.ReceiveAsync(wait.Token);
                return Encoding.ASCII.GetString(reply.Buffer);
            }
            catch (OperationCanceledException)
            {
            }
            catch (SocketException)
            {
                // ICMP unreachable from an earlier try (nothing listening there).
            }
        }
        return null;
    }

    /// <summary>Which instance answers <paramref name="client"/> (the first word of the reply), or null.</summary>
    public static async Task<string?> InstanceAsync(UdpClient client) =>
        await AskAsync(client, "who") is { } reply ? reply.Split(' ')[0] : null;

    public static UdpClient Connected(string address, int port)
    {
        var client = new UdpClient(AddressFamily.InterNetwork);
        client.Connect(IPAddress.Parse(address), port);
        return client;
    }
}
