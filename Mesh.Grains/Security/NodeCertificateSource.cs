using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;
using Microsoft.Extensions.Logging;

namespace Mesh.Security;

/// <summary>
/// A node's certificate and the CAs it trusts, read from its TLS directory and re-read when a
/// file's modification time changes. It is asked once per new connection (a few stat calls, not
/// per message), so replacing <c>node.pem</c>/<c>node.key</c> or <c>ca.pem</c> takes effect on the
/// node's next connection without a restart. A half-replaced pair that does not load keeps the
/// previous certificate in use.
/// </summary>
public sealed class NodeCertificateSource
{
    private readonly object _gate = new();
    private readonly NodeTlsDirectory _directory;
    private readonly IReadOnlyCollection<NodeRole> _ownRoles;
    private X509Certificate2 _certificate;
    private ClusterTrust _trust;
    private (DateTime Cert, DateTime Key) _certificateStamp;
    private DateTime _caStamp;
    private (DateTime, DateTime, DateTime) _failedStamp;
    private string? _announcedSerial;

    /// <summary>Loads the directory now; a missing or unusable file throws one line naming it.</summary>
    public NodeCertificateSource(NodeTlsDirectory directory, IReadOnlyCollection<NodeRole> ownRoles)
    {
        _directory = directory;
        _ownRoles = ownRoles;
        _certificateStamp = CertificateStamp();
        _caStamp = File.GetLastWriteTimeUtc(directory.CaPath);
        _certificate = LoadCertificate();
        _trust = LoadTrust();
    }

    public ILogger? Logger { get; set; }

    public NodeTlsDirectory Directory => _directory;

    /// <summary>The certificate to present on a new connection (re-read if its files changed).</summary>
    public X509Certificate2 Certificate
    {
        get
        {
            X509Certificate2 current;
            lock (_gate)
            {
                Refresh();
                current = _certificate;
                if (_announcedSerial == current.SerialNumber) return current;
                _announcedSerial = current.SerialNumber;
            }
            // Logged when a connection first presents it: a rotation shows up as a new serial.
            Logger?.LogInformation("mesh-tls presenting certificate serial={Serial} name={Name} role={Role} not_after={NotAfter:yyyy-MM-dd}",
                current.SerialNumber, current.GetNameInfo(X509NameType.DnsName, false), RoleText(current), current.NotAfter.ToUniversalTime());
            return current;
        }
    }

    /// <summary>The cluster CAs a peer must chain to (re-read if ca.pem changed).</summary>
    public ClusterTrust Trust
    {
        get
        {
            lock (_gate)
            {
                Refresh();
                return _trust;
            }
        }
    }

    private void Refresh()
    {
        var certificateStamp = CertificateStamp();
        var caStamp = File.GetLastWriteTimeUtc(_directory.CaPath);
        if (certificateStamp == _certificateStamp && caStamp == _caStamp) return;
        var stamp = (certificateStamp.Cert, certificateStamp.Key, caStamp);
        try
        {
            var certificate = certificateStamp == _certificateStamp ? _certificate : LoadCertificate();
            var trust = caStamp == _caStamp ? _trust : LoadTrust();
            _certificate = certificate;
            _trust = trust;
            _certificateStamp = certificateStamp;
            _caStamp = caStamp;
        }
        catch (MeshException e)
        {
            if (_failedStamp == stamp) return;
            _failedStamp = stamp;
            Logger?.LogWarning("mesh-tls keeps its current certificate: {Reason}", e.Message);
        }
    }

    private (DateTime Cert, DateTime Key) CertificateStamp() =>
        (File.GetLastWriteTimeUtc(_directory.CertificatePath), File.GetLastWriteTimeUtc(_directory.KeyPath));

    private X509Certificate2 LoadCertificate()
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(_directory.CertificatePath, _directory.KeyPath);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new MeshException("tls_invalid", $"{_directory.CertificatePath} and {NodeTlsDirectory.KeyFile} do not hold a matching certificate and key");
        }
        var role = NodeRoles.Of(certificate);
        if (role is null || !_ownRoles.Contains(role.Value))
        {
            throw new MeshException("tls_invalid", $"{_directory.CertificatePath} is not a {string.Join(" or ", _ownRoles.Select(NodeRoles.Text))} certificate (it carries {(role is null ? "no role" : "role " + NodeRoles.Text(role.Value))})");
        }
        return certificate;
    }

    private ClusterTrust LoadTrust()
    {
        try
        {
            var trust = ClusterTrust.FromPem(File.ReadAllText(_directory.CaPath));
            return trust.Roots.Count > 0 ? trust : throw new MeshException("tls_invalid", $"{_directory.CaPath} holds no certificate");
        }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            throw new MeshException("tls_invalid", $"{_directory.CaPath} does not hold PEM certificates");
        }
    }

    private static string RoleText(X509Certificate2 certificate) => NodeRoles.Of(certificate) is { } r ? NodeRoles.Text(r) : "none";
}
