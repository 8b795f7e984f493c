using Mesh.Domain;

namespace Mesh.Security;

/// <summary>
/// A node's TLS directory (<c>--tls-dir</c>): <c>ca.pem</c> (the cluster CAs it trusts),
/// <c>node.pem</c> and <c>node.key</c> (its own certificate), and for a silo <c>data.key</c> (the
/// cluster data keys) and <c>operator.sha256</c> (the operator token's hash, never the token).
/// </summary>
public sealed record NodeTlsDirectory(string Path)
{
    public const string CaFile = "ca.pem";
    public const string CertificateFile = "node.pem";
    public const string KeyFile = "node.key";
    public const string DataKeyFile = "data.key";
    public const string OperatorHashFile = "operator.sha256";

    public string CaPath => Combine(CaFile);
    public string CertificatePath => Combine(CertificateFile);
    public string KeyPath => Combine(KeyFile);
    public string DataKeyPath => Combine(DataKeyFile);
    public string OperatorHashPath => Combine(OperatorHashFile);

    /// <summary>Throws one line naming <paramref name="flag"/> and the first missing file.</summary>
    public void Check(string flag, bool silo)
    {
        if (!Directory.Exists(Path))
        {
            throw new MeshException("tls_missing", $"{flag}: {Path} does not exist (make it with 'mesh cluster issue-cert')");
        }
        string[] required = silo ? [CaFile, CertificateFile, KeyFile, DataKeyFile] : [CaFile, CertificateFile, KeyFile];
        foreach (var file in required)
        {
            if (!File.Exists(Combine(file)))
            {
                throw new MeshException("tls_missing", $"{flag}: {Path} has no {file} (make it with 'mesh cluster issue-cert')");
            }
        }
    }

    public void Write(string caPem, IssuedCertificate certificate, string? dataKeyText = null, string? operatorHash = null)
    {
        SecureFiles.CreateDirectory(Path);
        SecureFiles.Write(CaPath, caPem);
        // The key first: a reloading reader that sees the new certificate finds its key already there.
        SecureFiles.Write(KeyPath, certificate.KeyPem);
        SecureFiles.Write(CertificatePath, certificate.CertificatePem);
        if (dataKeyText is not null) SecureFiles.Write(DataKeyPath, dataKeyText);
        if (operatorHash is not null) SecureFiles.Write(OperatorHashPath, operatorHash + "\n");
    }

    public DataKeyRing LoadDataKeys() => DataKeyRing.Load(DataKeyPath);

    /// <summary>The operator token's SHA-256 (hex), or null when this directory has none.</summary>
    public string? ReadOperatorHash() => File.Exists(OperatorHashPath) ? File.ReadAllText(OperatorHashPath).Trim() : null;

    private string Combine(string file) => System.IO.Path.Combine(Path, file);
}
