using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using Mesh.Acme;
using Mesh.Domain.Certificates;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Mesh.Certificates;

/// <summary>
/// Before the CA is told to validate, asks the app's own addresses whether a gateway answers the
/// challenge yet: gateways apply route deltas asynchronously and nothing acknowledges them, and a
/// CA that validates at once (Pebble does) would otherwise fail the authorization. Bounded by
/// <c>Mesh:Certificates:ChallengePropagation</c>; after that the order goes on regardless (the CA
/// may reach a gateway this silo cannot).
/// </summary>
public sealed class ChallengeSelfCheck(IOptions<CertificateLifecycleOptions> options)
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(2) };

    public async Task WaitAnsweredAsync(AcmeChallengeRoute challenge, CertificateTarget target, CancellationToken cancellation)
    {
        var addresses = target.V4.Concat(target.V6).ToList();
        if (addresses.Count == 0) return;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(options.Value.ChallengePropagation);
        try
        {
            while (!await AnsweredAsync(challenge, addresses[0], deadline.Token))
            {
                await Task.Delay(Step, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> AnsweredAsync(AcmeChallengeRoute challenge, string address, CancellationToken cancellation)
    {
        try
        {
            return challenge.Type == AcmeChallengeType.TlsAlpn01
                ? await TlsAlpnAnsweredAsync(challenge, address, cancellation)
                : await HttpAnsweredAsync(challenge, address, cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException or System.Security.Authentication.AuthenticationException || (e is OperationCanceledException && !cancellation.IsCancellationRequested))
        {
            return false;
        }
    }

    private static async Task<bool> HttpAnsweredAsync(AcmeChallengeRoute challenge, string address, CancellationToken cancellation)
    {
        var host = IPAddress.Parse(address).AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{host}/.well-known/acme-challenge/{challenge.Token}");
        request.Headers.Host = challenge.Hostname;
        using var response = await Http.SendAsync(request, cancellation);
        return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(cancellation)).Trim() == challenge.KeyAuthorization;
    }

    private static async Task<bool> TlsAlpnAnsweredAsync(AcmeChallengeRoute challenge, string address, CancellationToken cancellation)
    {
        using var tcp = new TcpClient(IPAddress.Parse(address).AddressFamily);
        await tcp.ConnectAsync(IPAddress.Parse(address), 443, cancellation);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = challenge.Hostname,
            ApplicationProtocols = [new SslApplicationProtocol(AcmeChallengeType.AlpnProtocol)],
            // Only whether the challenge certificate is served matters here, not its trust.
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        }, cancellation);
        return tls.NegotiatedApplicationProtocol.ToString() == AcmeChallengeType.AlpnProtocol;
    }
}
