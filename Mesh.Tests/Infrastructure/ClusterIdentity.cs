using Mesh.Security;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A cluster directory (CA, data key, operator token) in a temporary directory, as
/// <c>mesh cluster init</c> makes it, and node TLS directories issued from it for the processes a test starts.
/// </summary>
internal sealed class ClusterIdentity : IDisposable
{
    private readonly TempDir _dir = new();

    public ClusterIdentity()
    {
        Cluster = new ClusterTlsDirectory(Path.Combine(_dir.Path, "cluster"));
        Cluster.Create("test", DateTimeOffset.UtcNow);
        Operator = Issue(NodeRole.Operator, "operator");
    }

    public ClusterTlsDirectory Cluster { get; }

    /// <summary>An operator's TLS directory, for SDK clients of the cluster.</summary>
    public string Operator { get; }

    /// <summary>The cluster CA's certificate: what a client of a cluster silo's HTTPS API trusts.</summary>
    public string CaPath => Cluster.CaPath;

    /// <summary>The operator token <c>mesh cluster init</c> made; silos issued here accept it.</summary>
    public string OperatorToken => File.ReadAllText(Cluster.OperatorTokenPath).Trim();

    /// <summary>
    /// Issues a node certificate into a new directory and returns its path (for <c>--tls-dir</c>).
    /// Test silos listen on loopback, so theirs names 127.0.0.1 too: their tenant API serves HTTPS with it.
    /// </summary>
    public string Issue(NodeRole role, string name)
    {
        var node = new NodeTlsDirectory(Path.Combine(_dir.Path, $"{NodeRoles.Text(role)}-{name}-{Guid.NewGuid().ToString("N")[..8]}"));
        Cluster.Issue(role, name, node, DateTimeOffset.UtcNow, role == NodeRole.Silo ? [System.Net.IPAddress.Loopback] : null);
        return node.Path;
    }

    public void Dispose() => _dir.Dispose();
}
