using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;
using Mesh.Security;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Security;

/// <summary>The cluster and node directories on disk: owner-only files, no overwritten CA, certificates that follow file replacements.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TlsDirectoryTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void Init_writes_owner_only_files_and_refuses_to_replace_a_ca()
    {
        using var dir = new TempDir();
        var cluster = new ClusterTlsDirectory(Path.Combine(dir.Path, "cluster"));
        cluster.Create("test", Now);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(cluster.Path));
        foreach (var file in new[] { cluster.CaPath, cluster.CaKeyPath, cluster.DataKeyPath, cluster.OperatorTokenPath })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        Assert.True(ApiToken.TryParse(File.ReadAllText(cluster.OperatorTokenPath).Trim(), out var token));
        Assert.Equal(ApiTokenKind.Operator, token.Kind);

        var before = File.ReadAllText(cluster.CaKeyPath);
        var e = Assert.Throws<MeshException>(() => cluster.Create("test", Now));
        Assert.Contains("refusing to overwrite", e.Message);
        Assert.Equal(before, File.ReadAllText(cluster.CaKeyPath));
    }

    [Fact]
    public void A_silo_directory_gets_the_data_key_and_the_operator_tokens_hash_only()
    {
        using var dir = new TempDir();
        var cluster = new ClusterTlsDirectory(Path.Combine(dir.Path, "cluster"));
        cluster.Create("test", Now);
        var silo = new NodeTlsDirectory(Path.Combine(dir.Path, "silo"));
        var gateway = new NodeTlsDirectory(Path.Combine(dir.Path, "gateway"));
        cluster.Issue(NodeRole.Silo, "silo-ams", silo, Now);
        cluster.Issue(NodeRole.Gateway, "gateway-ams", gateway, Now);

        var token = File.ReadAllText(cluster.OperatorTokenPath).Trim();
        Assert.Equal(ApiToken.HashOf(token), silo.ReadOperatorHash());
        Assert.Equal(File.ReadAllText(cluster.DataKeyPath), File.ReadAllText(silo.DataKeyPath));
        Assert.DoesNotContain(token, string.Concat(Directory.GetFiles(silo.Path).Select(File.ReadAllText)));
        Assert.False(File.Exists(gateway.DataKeyPath));
        Assert.False(File.Exists(Path.Combine(gateway.Path, "ca.key")));
        silo.Check("--tls-dir", silo: true);
        var missing = Assert.Throws<MeshException>(() => gateway.Check("--tls-dir", silo: true));
        Assert.Equal($"--tls-dir: {gateway.Path} has no data.key (make it with 'mesh cluster issue-cert')", missing.Message);
    }

    [Fact]
    public void Embedded_material_is_made_once_and_reused()
    {
        using var dir = new TempDir();
        var silo = EmbeddedTls.Ensure(dir.Path, Now);
        var first = File.ReadAllText(silo.CertificatePath);
        foreach (var role in Enum.GetValues<NodeRole>())
        {
            var node = EmbeddedTls.NodeDirectory(dir.Path, role);
            using var certificate = X509Certificate2.CreateFromPemFile(node.CertificatePath, node.KeyPath);
            Assert.Equal(role, NodeRoles.Of(certificate));
        }
        EmbeddedTls.Ensure(dir.Path, Now);
        Assert.Equal(first, File.ReadAllText(silo.CertificatePath));
        Assert.True(File.Exists(silo.DataKeyPath));
        var modes = Directory.GetFiles(EmbeddedTls.Root(dir.Path), "*", SearchOption.AllDirectories).Select(File.GetUnixFileMode).Distinct();
        Assert.Equal([UnixFileMode.UserRead | UnixFileMode.UserWrite], modes);
    }

    [Fact]
    public void The_certificate_source_follows_replaced_files_and_keeps_the_old_one_when_the_new_does_not_load()
    {
        using var dir = new TempDir();
        var cluster = new ClusterTlsDirectory(Path.Combine(dir.Path, "cluster"));
        cluster.Create("test", Now);
        var node = new NodeTlsDirectory(Path.Combine(dir.Path, "gw"));
        var first = cluster.Issue(NodeRole.Gateway, "gw", node, Now);
        var source = new NodeCertificateSource(node, [NodeRole.Gateway]);
        Assert.Equal(first.SerialNumber, source.Certificate.SerialNumber);
        Assert.Same(source.Certificate, source.Certificate);

        var second = cluster.Issue(NodeRole.Gateway, "gw", node, Now);
        Touch(node);
        Assert.Equal(second.SerialNumber, source.Certificate.SerialNumber);

        File.WriteAllText(node.CertificatePath, "not a certificate");
        Touch(node);
        Assert.Equal(second.SerialNumber, source.Certificate.SerialNumber);
    }

    [Fact]
    public void A_certificate_of_the_wrong_role_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var cluster = new ClusterTlsDirectory(Path.Combine(dir.Path, "cluster"));
        cluster.Create("test", Now);
        var node = new NodeTlsDirectory(Path.Combine(dir.Path, "gw"));
        cluster.Issue(NodeRole.Gateway, "gw", node, Now);
        var e = Assert.Throws<MeshException>(() => new NodeCertificateSource(node, [NodeRole.Silo]));
        Assert.Equal($"{node.CertificatePath} is not a silo certificate (it carries role gateway)", e.Message);
    }

    // A test writes twice within the file system's timestamp granularity; a real rotation is seconds apart.
    private static void Touch(NodeTlsDirectory node)
    {
        var later = DateTime.UtcNow.AddSeconds(Random.Shared.Next(10, 1000));
        File.SetLastWriteTimeUtc(node.CertificatePath, later);
        File.SetLastWriteTimeUtc(node.KeyPath, later);
    }
}
