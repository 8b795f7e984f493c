using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Mesh.Acme;
using Mesh.Domain.Certificates;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Chooses the TLS settings for one handshake from the ClientHello and the dialled address: the
/// app (by address, or by SNI on a shared address), its certificate for the SNI, the port's ALPN
/// list and TLS versions. An unknown SNI fails the handshake unless the port has
/// <c>tls_options.default_self_signed</c> (DESIGN §8). A ClientHello offering ALPN
/// <c>acme-tls/1</c> for a name with a tls-alpn-01 challenge gets the challenge certificate,
/// before any route is looked at (RFC 8737 §3).
/// </summary>
/// <remarks>
/// Kestrel's callback sees only the SNI (<see cref="SslClientHelloInfo"/>), not the ALPN list:
/// <see cref="ClientHelloStage"/> peeks the ClientHello first, decides through <see cref="Choose"/>
/// and leaves its choice as a connection feature for <see cref="Select"/>. The route it resolved
/// becomes the connection's <see cref="IRouteFeature"/> (resolved once: the TCP handler reads it).
/// </remarks>
public sealed class TlsOptionsSelector(GatewayState state, CertificateCache certificates, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    private static readonly List<SslApplicationProtocol> DefaultAlpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];
    private static readonly List<SslApplicationProtocol> PostgresAlpn = [new("postgresql")];
    private static readonly List<SslApplicationProtocol> AcmeAlpn = [new(AcmeChallengeType.AlpnProtocol)];

    public TlsHandshakeCallbackOptions CallbackOptions => new()
    {
        OnConnection = Select,
        HandshakeTimeout = options.Value.HandshakeTimeout,
    };

    private ValueTask<SslServerAuthenticationOptions> Select(TlsHandshakeCallbackContext context)
    {
        var choice = Decide(context.Connection, context.ClientHelloInfo.ServerName);
        return choice.Options is { } options ? ValueTask.FromResult(options) : RefuseAsync(context, choice);
    }

    /// <summary>
    /// The choice for a connection's handshake: the one <see cref="ClientHelloStage"/> made from the
    /// peeked ClientHello, or one made on the SNI alone; a served choice's route becomes the
    /// connection's route. Kestrel's TLS stage and <see cref="DirectTlsStage"/> both ask here.
    /// </summary>
    public TlsChoice Decide(Microsoft.AspNetCore.Connections.ConnectionContext connection, string? serverName)
    {
        var features = connection.Features;
        if (features.Get<TlsChoice>() is { Options: not null } made)
        {
            // The options are the handshake's only: not kept for the connection's lifetime.
            features.Set<TlsChoice>(null);
            SetRoute(features, made);
            return made;
        }
        // Not peeked (no challenge open, or not a ClientHello the reader could parse): decided on the SNI alone.
        var local = (IPEndPoint)connection.LocalEndPoint!;
        var choice = Choose(state.Table, local, ServerNames.Normalize(serverName), []);
        if (choice.Options is not null) SetRoute(features, choice);
        else metrics.Error(choice.Reason!);
        return choice;
    }

    /// <summary>
    /// Refuses a handshake with the alert its reason calls for. SslStream closes without one when
    /// the callback throws, so the alert record goes out first, on the connection's own transport:
    /// nothing has been written yet (the TLS stage waits for this callback before its ServerHello).
    /// </summary>
    private static async ValueTask<SslServerAuthenticationOptions> RefuseAsync(TlsHandshakeCallbackContext context, TlsChoice choice)
    {
        if (choice.Alert is { } alert)
        {
            try
            {
                await context.Connection.Transport.Output.WriteAsync(ClientHelloStage.AlertRecord(alert), context.CancellationToken);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or OperationCanceledException or ObjectDisposedException)
            {
                // The client is gone already: nothing to tell it.
            }
        }
        throw new AuthenticationException(choice.Message);
    }

    private static void SetRoute(IFeatureCollection features, TlsChoice choice)
    {
        if (choice.Route is { } route && !route.Kind.IsHttp()) features.Set<IRouteFeature>(new RouteFeature(route));
    }

    /// <summary>The settings for a ClientHello with this SNI and ALPN list at a dialled address, or why it is refused.</summary>
    public TlsChoice Choose(GatewayTable table, IPEndPoint local, string? sni, IReadOnlyList<string> alpn)
    {
        if (alpn.Contains(AcmeChallengeType.AlpnProtocol) && table.Challenges.TlsAlpnFor(sni) is { } challenge)
        {
            metrics.Count("acme.tls_alpn01_answered");
            return new TlsChoice(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = certificates.ForChallenge(challenge),
                ApplicationProtocols = AcmeAlpn,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
            });
        }
        var route = table.Resolve(local.Address, local.Port, sni, out var failure);
        if (route is null)
        {
            var unknownName = failure == ProxyError.UnknownServerName;
            return TlsChoice.Refuse(failure.Label(), $"no app for server name '{sni}' at {local}",
                unknownName ? (sni is null ? TlsChoice.HandshakeFailure : TlsChoice.UnrecognizedName) : null);
        }
        var tls = route.Port.TlsOptions;
        var certificate = sni is null
            ? route.App.Certificates.FirstOrDefault()
            : route.App.Certificates.FirstOrDefault(c => Hostnames.Covers(c.Hostname, sni));
        SslStreamCertificateContext serverCertificate;
        if (certificate is not null)
        {
            serverCertificate = certificates.For(certificate);
        }
        else if (tls?.DefaultSelfSigned == true || sni is null)
        {
            // No SNI on a dedicated address (psql to an IP, say): a self-signed certificate for
            // the app still encrypts; clients that verify will say so themselves.
            serverCertificate = certificates.SelfSigned(sni ?? route.AppName);
        }
        else
        {
            return TlsChoice.Refuse(ErrorReasons.UnknownServerName, $"app {route.AppName} has no certificate for '{sni}'", TlsChoice.UnrecognizedName);
        }
        return new TlsChoice(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = serverCertificate,
            ApplicationProtocols = Alpn(route, tls),
            EnabledSslProtocols = Versions(tls),
            ClientCertificateRequired = false,
        })
        {
            Route = route,
        };
    }

    private static List<SslApplicationProtocol> Alpn(PortRoute route, TlsOptions? tls)
    {
        if (tls is { Alpn.Length: > 0 }) return [.. tls.Alpn.Select(a => new SslApplicationProtocol(a))];
        return route.Kind == ListenerKind.PgTls ? PostgresAlpn : DefaultAlpn;
    }

    /// <summary>TLS 1.2 and 1.3, or the subset <c>tls_options.versions</c> names; never older (the platform never serves &lt; 1.2).</summary>
    private static SslProtocols Versions(TlsOptions? tls)
    {
        if (tls is not { Versions.Length: > 0 }) return SslProtocols.Tls12 | SslProtocols.Tls13;
        var protocols = SslProtocols.None;
        if (tls.Versions.Contains("TLSv1.2")) protocols |= SslProtocols.Tls12;
        if (tls.Versions.Contains("TLSv1.3")) protocols |= SslProtocols.Tls13;
        return protocols == SslProtocols.None ? SslProtocols.Tls12 | SslProtocols.Tls13 : protocols;
    }
}
