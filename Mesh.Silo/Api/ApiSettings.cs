using Mesh.Domain;
using Mesh.Silo.Hosting;
using Microsoft.Extensions.Configuration;

namespace Mesh.Silo.Api;

/// <summary>
/// How the tenant API is served (the <c>Mesh:Api</c> section, <c>--api-port</c>): the port (0 = a
/// free one), the PEM certificate and key for HTTPS in cluster mode, and the file holding the
/// operator token's hash in cluster mode (embedded mode keeps its token in the data directory).
/// </summary>
public sealed record ApiSettings(int Port, string? CertificatePath, string? KeyPath, string? OperatorTokenHashFile)
{
    /// <summary>The socket already bound to <see cref="Port"/> when the kernel chose it; null for a port given.</summary>
    public ReservedListenSocket? Reservation { get; init; }

    public const int ClusterDefaultPort = 4280;

    public static readonly Dictionary<string, string> Switches = new()
    {
        ["--api-port"] = "Mesh:Api:Port",
    };

    public bool Https => CertificatePath is not null;

    public static ApiSettings From(IConfiguration config, SiloSettings silo)
    {
        var section = config.GetSection("Mesh:Api");
        var portText = section["Port"];
        var port = silo.Embedded ? 0 : ClusterDefaultPort;
        if (portText is { Length: > 0 } && !(int.TryParse(portText, out port) && port is >= 0 and < 65536))
        {
            throw new MeshException("config_invalid", $"--api-port: '{portText}' is not a port number (0 picks a free one)");
        }
        var certificate = Path(section, "CertificatePath");
        var key = Path(section, "KeyPath");
        var operatorHash = Path(section, "OperatorTokenHashFile");
        if (!silo.Embedded && silo.TlsDirectory.Length > 0)
        {
            // A cluster silo serves its API with its own node certificate (issued with --ip for the
            // addresses tenants use) and checks the operator token against the hash issue-cert left
            // beside it, unless the operator names others.
            var tls = new Mesh.Security.NodeTlsDirectory(silo.TlsDirectory);
            if (certificate is null && key is null)
            {
                (certificate, key) = (tls.CertificatePath, tls.KeyPath);
            }
            if (operatorHash is null && File.Exists(tls.OperatorHashPath))
            {
                operatorHash = tls.OperatorHashPath;
            }
        }
        if ((certificate is null) != (key is null))
        {
            throw new MeshException("config_invalid", "Mesh:Api:CertificatePath and Mesh:Api:KeyPath: give both (PEM files) or neither");
        }
        // The port is chosen here rather than by Kestrel so that the instance-address policy can
        // reserve it before the silo starts (no instance may be registered at the API itself); the
        // socket stays bound until Kestrel takes it, so nothing else can take the port meanwhile.
        // Bound last, once the settings are known to be valid: a bad config leaves no socket open.
        ReservedListenSocket? reservation = null;
        if (port == 0)
        {
            reservation = ReservedListenSocket.Bind(silo.Embedded ? System.Net.IPAddress.Loopback : silo.AdvertisedAddress);
            port = reservation.Endpoint.Port;
        }
        return new ApiSettings(port, certificate, key, operatorHash) { Reservation = reservation };
    }

    /// <summary>The HOST:PORT the API listens on, as the instance-address policy reserves it.</summary>
    public string Endpoint(SiloSettings silo) =>
        new System.Net.IPEndPoint(silo.Embedded ? System.Net.IPAddress.Loopback : silo.AdvertisedAddress, Port).ToString();

    private static string? Path(IConfigurationSection section, string key) => section[key] is { Length: > 0 } v ? v : null;
}
