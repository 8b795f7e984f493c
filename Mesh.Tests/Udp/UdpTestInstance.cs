using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Udp;

/// <summary>
/// A UDP app instance on a free loopback port. A datagram starting with <c>!</c> is answered
/// with <c>NAME PAYLOAD</c> (which instance answered, and to what); anything else is taken as a
/// DNS query and answered like a tiny authoritative server: one TXT record <c>instance=NAME</c>
/// for the question's name (enough for a real <c>dig</c> to print an answer).
/// </summary>
internal sealed class UdpTestInstance : IAsyncDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly Task _loop;

    public UdpTestInstance(string name)
    {
        Name = name;
        _loop = Task.Run(LoopAsync);
    }

    public string Name { get; }

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    public string Address => $"127.0.0.1:{Port}";

    /// <summary>Where datagrams came from (the gateway's per-flow upstream sockets).</summary>
    public ConcurrentDictionary<IPEndPoint, int> Sources { get; } = new();

    private async Task LoopAsync()
    {
        while (true)
        {
            UdpReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync();
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            Sources.AddOrUpdate(received.RemoteEndPoint, 1, (_, n) => n + 1);
            var reply = received.Buffer is [(byte)'!', ..]
                ? Encoding.ASCII.GetBytes($"{Name} {Encoding.ASCII.GetString(received.Buffer, 1, received.Buffer.Length - 1)}")
                : DnsTxtAnswer(received.Buffer, $"instance={Name}");
            if (reply is null) continue;
            try
            {
                await _socket.SendAsync(reply, received.RemoteEndPoint);
            }
            catch (SocketException)
            {
            }
        }
    }

    /// <summary>
    /// A response to a one-question query (RFC 1035 §4.1): the query's id and question, QR and
    /// AA set, RD copied, and one TXT answer pointing at the question's name (0xC00C).
    /// </summary>
    private static byte[]? DnsTxtAnswer(byte[] query, string text)
    {
        if (query.Length < 12 || query[4] != 0 || query[5] != 1) return null;
        // The question: the name's labels up to the root, then type and class.
        var end = 12;
        while (end < query.Length && query[end] != 0) end += query[end] + 1;
        end += 5;
        if (end > query.Length) return null;
        var txt = Encoding.ASCII.GetBytes(text);
        var response = new List<byte>();
        response.AddRange(query.AsSpan(0, 2).ToArray());
        response.Add((byte)(0x84 | (query[2] & 0x01)));
        response.Add(0x00);
        response.AddRange([0, 1, 0, 1, 0, 0, 0, 0]);
        response.AddRange(query.AsSpan(12, end - 12).ToArray());
        response.AddRange([0xC0, 0x0C, 0, 16, 0, 1, 0, 0, 0, 5, 0, (byte)(txt.Length + 1), (byte)txt.Length]);
        response.AddRange(txt);
        return [.. response];
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await _loop;
    }
}
