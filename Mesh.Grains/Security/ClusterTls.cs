using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace Mesh.Security;

/// <summary>
/// Mutual TLS on every Orleans connection. Both ends present a certificate from their TLS
/// directory and accept the peer only if it chains to the cluster CA with the right role: silo
/// ports take silos, gateway ports take gateways and operators, and clients and silos dial only
/// silos. A peer without an acceptable certificate fails the handshake, before any message is read.
/// </summary>
public static class ClusterTls
{
    private static readonly NodeRole[] Silos = [NodeRole.Silo];
    private static readonly NodeRole[] Clients = [NodeRole.Gateway, NodeRole.Operator];

    public static NodeCertificateSource UseClusterTls(this ISiloBuilder silo, NodeTlsDirectory directory)
    {
        var source = new NodeCertificateSource(directory, Silos);
        silo.Configure<SiloConnectionOptions>(o =>
        {
            o.ConfigureSiloInboundConnection(b => b.UseServerTls(ServerOptions(source, b, Silos)));
            o.ConfigureGatewayInboundConnection(b => b.UseServerTls(ServerOptions(source, b, Clients)));
            o.ConfigureSiloOutboundConnection(b => b.UseClientTls(ClientOptions(source, b)));
        });
        return source;
    }

    /// <summary>An Orleans client (gateway or operator tool) presenting the certificate of <paramref name="directory"/>.</summary>
    public static NodeCertificateSource UseClusterTls(this IClientBuilder client, NodeTlsDirectory directory)
    {
        var source = new NodeCertificateSource(directory, Clients);
        client.Configure<ClientConnectionOptions>(o => o.ConfigureConnection(b => b.UseClientTls(ClientOptions(source, b))));
        return source;
    }

    private static TlsOptions ServerOptions(NodeCertificateSource source, IConnectionBuilder builder, NodeRole[] peers)
    {
        var logger = Attach(source, builder);
        return new TlsOptions
        {
            LocalServerCertificateSelector = (_, _) => source.Certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, _, _) => Accept(source, certificate, peers, logger),
        };
    }

    private static TlsOptions ClientOptions(NodeCertificateSource source, IConnectionBuilder builder)
    {
        var logger = Attach(source, builder);
        return new TlsOptions
        {
            // Read once so the middleware, which checks a required client certificate up front,
            // has one; every connection then asks the selector, which follows rotations.
            LocalCertificate = source.Certificate,
            LocalClientCertificateSelector = (_, _, _, _, _) => source.Certificate,
            RemoteCertificateMode = RemoteCertificateMode.RequireCertificate,
            ClientCertificateMode = RemoteCertificateMode.RequireCertificate,
            RemoteCertificateValidation = (certificate, _, _) => Accept(source, certificate, Silos, logger),
        };
    }

    // The platform's chain (built on the system roots) is ignored: only the cluster CA counts.
    private static bool Accept(NodeCertificateSource source, X509Certificate2 certificate, NodeRole[] allowed, ILogger? logger)
    {
        var refusal = source.Trust.Refusal(certificate, allowed);
        if (refusal is null)
        {
            logger?.LogDebug("mesh-tls accepted peer serial={Serial} name={Name}", certificate.SerialNumber, certificate.GetNameInfo(X509NameType.DnsName, false));
            return true;
        }
        logger?.LogWarning("mesh-tls refused peer certificate serial={Serial} subject={Subject}: {Reason}", certificate.SerialNumber, certificate.Subject, refusal);
        return false;
    }

    private static ILogger? Attach(NodeCertificateSource source, IConnectionBuilder builder)
    {
        var logger = builder.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger("Mesh.Security.ClusterTls");
        source.Logger ??= logger;
        return logger;
    }
}
