using Mesh.Domain;

namespace Mesh.Security;

/// <summary>
/// The cluster directory made by <c>mesh cluster init</c>: <c>ca.pem</c>, <c>ca.key</c>,
/// <c>data.key</c> and <c>operator.token</c>. It is the cluster's root of trust; keep it offline
/// and issue node directories from it (<see cref="Issue"/>).
/// </summary>
public sealed record ClusterTlsDirectory(string Path)
{
    public const string CaFile = "ca.pem";
    public const string CaKeyFile = "ca.key";
    public const string DataKeyFile = "data.key";
    public const string OperatorTokenFile = "operator.token";

    public string CaPath => Combine(CaFile);
    public string CaKeyPath => Combine(CaKeyFile);
    public string DataKeyPath => Combine(DataKeyFile);
    public string OperatorTokenPath => Combine(OperatorTokenFile);

    public bool Exists => File.Exists(CaPath) || File.Exists(CaKeyPath);

    /// <summary>A new CA and data key (and an operator token when asked); refuses to replace an existing CA.</summary>
    public void Create(string clusterId, DateTimeOffset now, bool withOperatorToken = true)
    {
        if (Exists)
        {
            throw new MeshException("cluster_exists", $"--out: {Path} already holds a cluster CA; refusing to overwrite it");
        }
        SecureFiles.CreateDirectory(Path);
        using var ca = ClusterCa.Create(clusterId, now);
        SecureFiles.Write(CaKeyPath, ca.KeyPem);
        SecureFiles.Write(CaPath, ca.CertificatePem);
        if (!File.Exists(DataKeyPath)) SecureFiles.Write(DataKeyPath, DataKeyRing.New().ToText());
        if (withOperatorToken && !File.Exists(OperatorTokenPath))
        {
            SecureFiles.Write(OperatorTokenPath, ApiToken.New(ApiTokenKind.Operator).Text + "\n");
        }
    }

    public ClusterCa LoadCa()
    {
        if (!File.Exists(CaPath) || !File.Exists(CaKeyPath))
        {
            throw new MeshException("cluster_missing", $"--cluster-dir: {Path} has no {CaFile} and {CaKeyFile} (make it with 'mesh cluster init')");
        }
        return ClusterCa.FromPem(File.ReadAllText(CaPath), File.ReadAllText(CaKeyPath));
    }

    /// <summary>
    /// Issues a node certificate into <paramref name="node"/>; a silo also gets the data keys and
    /// the operator token's hash, so it can unseal secrets and check the operator without holding the token.
    /// </summary>
    public IssuedCertificate Issue(NodeRole role, string name, NodeTlsDirectory node, DateTimeOffset now, IReadOnlyList<System.Net.IPAddress>? addresses = null)
    {
        using var ca = LoadCa();
        var issued = ca.Issue(role, name, now, addresses: addresses);
        string? dataKeys = null, operatorHash = null;
        if (role == NodeRole.Silo)
        {
            dataKeys = File.Exists(DataKeyPath)
                ? DataKeyRing.Load(DataKeyPath).ToText()
                : throw new MeshException("data_key_missing", $"--cluster-dir: {Path} has no {DataKeyFile}");
            if (File.Exists(OperatorTokenPath)) operatorHash = ApiToken.HashOf(File.ReadAllText(OperatorTokenPath).Trim());
        }
        node.Write(File.ReadAllText(CaPath), issued, dataKeys, operatorHash);
        return issued;
    }

    private string Combine(string file) => System.IO.Path.Combine(Path, file);
}
