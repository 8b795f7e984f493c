using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Mesh.Acme;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real TLS server answering tls-alpn-01 (RFC 8737 §3) on the port Pebble dials: for a
/// ClientHello naming a host with an open tls-alpn-01 challenge and offering <c>acme-tls/1</c>,
/// it completes the handshake with the challenge certificate and closes. It counts the
/// handshakes it completed.
/// </summary>
internal sealed class TlsAlpn01Responder : IAsyncDisposable
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener;
    private readonly TestChallengePublisher _challenges;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _answered;

    private TlsAlpn01Responder(TcpListener listener, TestChallengePublisher challenges)
    {
        _listener = listener;
        _challenges = challenges;
        _accepting = AcceptAsync();
    }

    public int Answered => Volatile.Read(ref _answered);

    public static TlsAlpn01Responder Start(IPAddress address, int port, TestChallengePublisher challenges)
    {
        var listener = new TcpListener(address, port);
        listener.Start();
        return new TlsAlpn01Responder(listener, challenges);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = AnswerAsync(client);
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        await using (var tls = new SslStream(client.GetStream()))
        {
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
                timeout.CancelAfter(HandshakeTimeout);
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ApplicationProtocols = [new SslApplicationProtocol(AcmeChallengeType.AlpnProtocol)],
                    ServerCertificateSelectionCallback = (_, host) => Certificate(host),
                }, timeout.Token);
                if (tls.NegotiatedApplicationProtocol.ToString() == AcmeChallengeType.AlpnProtocol) Interlocked.Increment(ref _answered);
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or InvalidOperationException)
            {
                // Not a validation this responder can answer (no open challenge for the name): the handshake fails, as a gateway's would.
            }
        }
    }

    private X509Certificate2 Certificate(string? host)
    {
        var route = host is null ? null : _challenges.Find(host);
        if (route is not { Type: AcmeChallengeType.TlsAlpn01, CertificatePem: { } cert, KeyPem: { } key })
        {
            throw new InvalidOperationException($"no tls-alpn-01 challenge is open for '{host}'");
        }
        return X509Certificate2.CreateFromPem(cert, key);
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
