using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Mesh.Domain.Certificates;
using Mesh.Gateway.Hosting;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Options;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Chooses the TLS settings for one handshake from the ClientHello and the dialled address: the
/// app (by address, or by SNI on a shared address), its certificate for the SNI, the port's ALPN
/// list and TLS versions. An unknown SNI fails the handshake unless the port has
/// <c>tls_options.default_self_signed</c> (DESIGN §8).
/// </summary>
public sealed class TlsOptionsSelector(GatewayState state, CertificateCache certificates, GatewayMetrics metrics, IOptions<GatewayOptions> options)
{
    private static readonly List<SslApplicationProtocol> DefaultAlpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];
    private static readonly List<SslApplicationProtocol> PostgresAlpn = [new("postgresql")];

    public TlsHandshakeCallbackOptions CallbackOptions => new()
    {
        OnConnection = Select,
        HandshakeTimeout = options.Value.HandshakeTimeout,
    };

    private ValueTask<SslServerAuthenticationOptions> Select(TlsHandshakeCallbackContext context)
    {
        var local = (IPEndPoint)context.Connection.LocalEndPoint!;
        var sni = ServerNames.Normalize(context.ClientHelloInfo.ServerName);
        var table = state.Table;
        var route = table.Resolve(local.Address, local.Port, sni, out var failure);
        if (route is null)
        {
            metrics.Error(ErrorReasons.Of(failure));
            throw new AuthenticationException($"no app for server name '{sni}' at {local}");
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
            metrics.Error(ErrorReasons.UnknownServerName);
            throw new AuthenticationException($"app {route.AppName} has no certificate for '{sni}'");
        }
        return ValueTask.FromResult(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = serverCertificate,
            ApplicationProtocols = Alpn(route, tls),
            EnabledSslProtocols = Versions(tls),
            ClientCertificateRequired = false,
        });
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
