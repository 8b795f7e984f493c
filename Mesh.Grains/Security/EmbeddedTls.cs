namespace Mesh.Security;

/// <summary>
/// An embedded mesh's TLS material, made on first start in the data directory and reused after:
/// <c>DATA/tls</c> is a cluster directory (ca.pem, ca.key, data.key) and holds a node directory per
/// role (<c>DATA/tls/silo</c>, <c>DATA/tls/gateway</c>, <c>DATA/tls/operator</c>), so an embedded
/// mesh runs the same mutual TLS as a cluster.
/// </summary>
public static class EmbeddedTls
{
    public static string Root(string dataDirectory) => Path.Combine(dataDirectory, "tls");

    public static NodeTlsDirectory NodeDirectory(string dataDirectory, NodeRole role) =>
        new(Path.Combine(Root(dataDirectory), NodeRoles.Text(role)));

    /// <summary>Creates whatever is missing; returns the silo's node directory.</summary>
    public static NodeTlsDirectory Ensure(string dataDirectory, DateTimeOffset now)
    {
        SecureFiles.CreateDirectory(dataDirectory);
        var cluster = new ClusterTlsDirectory(Root(dataDirectory));
        if (!cluster.Exists)
        {
            // The operator token of an embedded mesh belongs to its API, not to its TLS material.
            cluster.Create("embedded", now, withOperatorToken: false);
        }
        foreach (var role in Enum.GetValues<NodeRole>())
        {
            var node = NodeDirectory(dataDirectory, role);
            if (!File.Exists(node.CertificatePath) || !File.Exists(node.KeyPath))
            {
                cluster.Issue(role, NodeRoles.Text(role), node, now);
            }
        }
        return NodeDirectory(dataDirectory, NodeRole.Silo);
    }
}
