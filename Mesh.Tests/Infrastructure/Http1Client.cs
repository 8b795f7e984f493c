using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A raw HTTP/1.1 client connection, cleartext or TLS (ALPN http/1.1): sends exactly the bytes a
/// test writes and reads responses one by one, framed as RFC 9112 §6.3 says a client must (no
/// body after HEAD, 1xx, 204 or 304; chunked; Content-Length; else until close). Every read has
/// a deadline that only bounds a failure.
/// </summary>
internal sealed class Http1Client : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);
    private readonly Socket _socket;
    private readonly Stream _stream;
    private readonly Http1Reader _reader;

    private Http1Client(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        _reader = new Http1Reader(stream);
    }

    public static async Task<Http1Client> ConnectAsync(string address, int port = 80)
    {
        var socket = await ConnectSocketAsync(address, port);
        return new Http1Client(socket, new NetworkStream(socket, ownsSocket: false));
    }

    /// <summary>TLS to <paramref name="address"/>:443 with <paramref name="serverName"/> as SNI and only http/1.1 offered by ALPN; any certificate is accepted.</summary>
    public static async Task<Http1Client> ConnectTlsAsync(string address, string serverName, int port = 443)
    {
        var socket = await ConnectSocketAsync(address, port);
        var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var cts = new CancellationTokenSource(Deadline);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, cts.Token);
        return new Http1Client(socket, tls);
    }

    private static async Task<Socket> ConnectSocketAsync(string address, int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var cts = new CancellationTokenSource(Deadline);
        await socket.ConnectAsync(IPAddress.Parse(address), port, cts.Token);
        return socket;
    }

    /// <summary>Writes the text (Latin-1) in one send.</summary>
    public async Task SendAsync(string raw)
    {
        await _stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        await _stream.FlushAsync();
    }

    /// <summary>The next response on the connection, an interim 1xx included; <paramref name="toHead"/> when it answers a HEAD.</summary>
    public async Task<Http1Response> ReadResponseAsync(bool toHead = false)
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            var head = await _reader.ReadHeadAsync(cts.Token) ?? throw new EndOfStreamException("the connection closed before a response");
            var response = new Http1Response(head, [], []);
            var status = response.Status;
            if (toHead || status is (>= 100 and < 200) or 204 or 304 or 0) return response;
            if (response.IsChunked)
            {
                var (body, trailers) = await _reader.ReadChunkedAsync(cts.Token);
                return response with { Body = body, Trailers = trailers };
            }
            if (response.Header("Content-Length") is { } length) return response with { Body = await _reader.ReadExactlyAsync(int.Parse(length), cts.Token) };
            return response with { Body = await _reader.ReadToEndAsync(cts.Token) };
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            throw new TimeoutException($"no whole response within {Deadline}; the connection brought: {_reader.Seen}");
        }
    }

    /// <summary>The next response that is not an interim 1xx.</summary>
    public async Task<Http1Response> ReadFinalResponseAsync()
    {
        while (true)
        {
            var response = await ReadResponseAsync();
            if (response.Status is < 100 or >= 200) return response;
        }
    }

    /// <summary>True when the server closes the connection with nothing more sent; false when it sends a byte instead or keeps it open past the deadline.</summary>
    public async Task<bool> ServerClosesAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            return await _reader.PeerClosedAsync(cts.Token);
        }
        catch (OperationCanceledException) when (cts.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
