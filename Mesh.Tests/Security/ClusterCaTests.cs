using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Security;

namespace Mesh.Tests.Security;

/// <summary>The cluster CA issues node certificates that carry their role, and trust accepts only its own.</summary>
public sealed class ClusterCaTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void The_ca_is_a_ten_year_p256_ca_and_round_trips_through_pem()
    {
        using var ca = ClusterCa.Create("test", Now);
        var constraints = ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        Assert.True(ca.Certificate.Extensions.OfType<X509KeyUsageExtension>().Single().KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
        Assert.Equal(256, ca.Certificate.GetECDsaPublicKey()!.KeySize);
        Assert.InRange((ca.Certificate.NotAfter - ca.Certificate.NotBefore).TotalDays, 3650, 3660);

        using var loaded = ClusterCa.FromPem(ca.CertificatePem, ca.KeyPem);
        var issued = loaded.Issue(NodeRole.Gateway, "gw-1", Now);
        Assert.Null(ClusterTrust.FromPem(ca.CertificatePem).Refusal(Load(issued), [NodeRole.Gateway]));
    }

    [Theory]
    [InlineData(NodeRole.Silo)]
    [InlineData(NodeRole.Gateway)]
    [InlineData(NodeRole.Operator)]
    public void A_node_certificate_carries_its_name_role_and_both_usages(NodeRole role)
    {
        using var ca = ClusterCa.Create("test", Now);
        var issued = ca.Issue(role, "node-ams.example", Now);
        using var certificate = Load(issued);

        Assert.Equal(role, NodeRoles.Of(certificate));
        Assert.Equal("node-ams.example", certificate.GetNameInfo(X509NameType.DnsName, false));
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages.Order());
        Assert.False(certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(256, certificate.GetECDsaPublicKey()!.KeySize);
        Assert.InRange((certificate.NotAfter - DateTime.UtcNow).TotalDays, 360, 366);
        Assert.Equal(issued.SerialNumber, certificate.SerialNumber);
        Assert.Equal(ca.Certificate.Subject, certificate.Issuer);
    }

    [Fact]
    public void Trust_accepts_its_own_nodes_in_the_allowed_roles_only()
    {
        using var ca = ClusterCa.Create("test", Now);
        var trust = ClusterTrust.FromPem(ca.CertificatePem);
        using var silo = Load(ca.Issue(NodeRole.Silo, "silo-a", Now));
        using var gateway = Load(ca.Issue(NodeRole.Gateway, "gw-a", Now));

        Assert.Null(trust.Refusal(silo, [NodeRole.Silo]));
        Assert.Null(trust.Refusal(gateway, [NodeRole.Gateway, NodeRole.Operator]));
        Assert.Contains("role gateway", trust.Refusal(gateway, [NodeRole.Silo]));
    }

    [Fact]
    public void Trust_refuses_another_ca_a_missing_certificate_a_roleless_one_and_the_ca_itself()
    {
        using var ca = ClusterCa.Create("ours", Now);
        using var other = ClusterCa.Create("theirs", Now);
        var trust = ClusterTrust.FromPem(ca.CertificatePem);
        using var foreign = Load(other.Issue(NodeRole.Silo, "silo-a", Now));

        Assert.Contains("does not chain to the cluster CA", trust.Refusal(foreign, [NodeRole.Silo]));
        Assert.Equal("no certificate", trust.Refusal(null, [NodeRole.Silo]));
        Assert.NotNull(trust.Refusal(ca.Certificate, [NodeRole.Silo]));

        // A certificate any public CA would sign, without a mesh role: chained or not, it is no node.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var selfSigned = new CertificateRequest("CN=silo-a", key, HashAlgorithmName.SHA256).CreateSelfSigned(Now.AddMinutes(-1), Now.AddDays(1));
        Assert.NotNull(trust.Refusal(selfSigned, [NodeRole.Silo]));
    }

    [Fact]
    public void Trust_refuses_an_expired_certificate()
    {
        using var ca = ClusterCa.Create("test", Now);
        using var certificate = Load(ca.Issue(NodeRole.Silo, "silo-a", Now, TimeSpan.FromDays(1)));
        Assert.NotNull(ClusterTrust.FromPem(ca.CertificatePem).Refusal(certificate, [NodeRole.Silo], Now.AddDays(2)));
    }

    [Fact]
    public void A_ca_bundle_trusts_both_cas_during_a_ca_rotation()
    {
        using var old = ClusterCa.Create("test", Now);
        using var next = ClusterCa.Create("test", Now);
        var both = ClusterTrust.FromPem(old.CertificatePem + next.CertificatePem);
        using var a = Load(old.Issue(NodeRole.Silo, "silo-a", Now));
        using var b = Load(next.Issue(NodeRole.Silo, "silo-b", Now));
        Assert.Null(both.Refusal(a, [NodeRole.Silo]));
        Assert.Null(both.Refusal(b, [NodeRole.Silo]));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("-dash")]
    [InlineData("a b")]
    public void Bad_node_names_are_refused_naming_the_flag(string name)
    {
        using var ca = ClusterCa.Create("test", Now);
        var e = Assert.Throws<Mesh.Domain.MeshException>(() => ca.Issue(NodeRole.Silo, name, Now));
        Assert.StartsWith("--name:", e.Message);
    }

    private static X509Certificate2 Load(IssuedCertificate issued) => X509Certificate2.CreateFromPem(issued.CertificatePem, issued.KeyPem);
}
