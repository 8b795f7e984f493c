using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Mesh.Tests.Protocols;

/// <summary>
/// Captures the ClientHello records a real <see cref="SslStream"/> client sends, over a loopback
/// socket pair on port 0. The "server" only records bytes; the handshake is abandoned.
/// </summary>
internal static class TlsCapture
{
    public static async Task<byte[]> ClientHelloAsync(string targetHost, params string[] applicationProtocols)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        using var server = await listener.AcceptAsync();

        // Bounds a broken run; nothing here waits on time otherwise.
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var tls = new SslStream(new NetworkStream(client, ownsSocket: false));
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            ApplicationProtocols = [.. applicationProtocols.Select(p => new SslApplicationProtocol(p))],
        };
        var handshake = tls.AuthenticateAsClientAsync(options, cancel.Token);
        try
        {
            return await ReadClientHelloRecordsAsync(server, cancel.Token);
        }
        finally
        {
            // Abandon the handshake: cancel it and cut the connection under it.
            await cancel.CancelAsync();
            server.Close();
            try
            {
                await handshake;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or AuthenticationException)
            {
                // Expected: the handshake never had a server.
            }

            await tls.DisposeAsync();
        }
    }

    /// <summary>
    /// Reads whole records until they carry a whole first handshake message, framing them
    /// independently of the reader under test.
    /// </summary>
    private static async Task<byte[]> ReadClientHelloRecordsAsync(Socket server, CancellationToken cancellationToken)
    {
        var records = new List<byte>();
        var handshake = 0;
        var needed = int.MaxValue;
        while (handshake < needed)
        {
            var header = await ReadExactlyAsync(server, 5, cancellationToken);
            var length = (header[3] << 8) | header[4];
            var payload = await ReadExactlyAsync(server, length, cancellationToken);
            records.AddRange(header);
            records.AddRange(payload);
            handshake += length;
            if (needed == int.MaxValue)
            {
                var message = TlsRecords.Handshake([.. records]);
                if (message.Length >= 4)
                {
                    needed = 4 + ((message[1] << 16) | (message[2] << 8) | message[3]);
                }
            }
        }

        return [.. records];
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int count, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        for (var read = 0; read < count;)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, cancellationToken);
            if (n == 0)
            {
                throw new IOException("The client closed before sending a whole ClientHello.");
            }

            read += n;
        }

        return buffer;
    }
}
