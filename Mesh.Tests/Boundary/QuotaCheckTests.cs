using Mesh.Domain;
using Mesh.Domain.Quotas;

namespace Mesh.Tests.Boundary;

/// <summary>The quota arithmetic: defaults, per-org overrides, and the one-line refusal.</summary>
public sealed class QuotaCheckTests
{
    private static QuotaOptions Options()
    {
        var o = new QuotaOptions();
        o.Orgs["big"] = new QuotaOverrides { Apps = 1000, DedicatedV4 = 0 };
        return o;
    }

    [Fact]
    public void Defaults_apply_to_every_org_and_overrides_only_to_theirs()
    {
        var o = Options();
        Assert.Equal(10, QuotaCheck.LimitOf(o, "small", QuotaKind.DedicatedV4));
        Assert.Equal(100, QuotaCheck.LimitOf(o, "small", QuotaKind.Apps));
        Assert.Equal(500, QuotaCheck.LimitOf(o, "small", QuotaKind.Instances));
        Assert.Equal(100, QuotaCheck.LimitOf(o, "small", QuotaKind.Certificates));
        Assert.Equal(1000, QuotaCheck.LimitOf(o, "big", QuotaKind.Apps));
        Assert.Equal(0, QuotaCheck.LimitOf(o, "big", QuotaKind.DedicatedV4));
        Assert.Equal(500, QuotaCheck.LimitOf(o, "big", QuotaKind.Instances));
    }

    [Theory]
    [InlineData(QuotaKind.DedicatedV4, 10, "org 'small' is at its quota of 10 dedicated IPv4 addresses (Mesh:Quotas)")]
    [InlineData(QuotaKind.Apps, 100, "org 'small' is at its quota of 100 apps (Mesh:Quotas)")]
    [InlineData(QuotaKind.Instances, 500, "org 'small' is at its quota of 500 instances (Mesh:Quotas)")]
    [InlineData(QuotaKind.Certificates, 100, "org 'small' is at its quota of 100 certificates (Mesh:Quotas)")]
    public void Taking_one_more_than_the_quota_is_refused_in_one_line(QuotaKind kind, int limit, string message)
    {
        var o = Options();
        QuotaCheck.Check(o, "small", kind, limit - 1);
        var e = Assert.Throws<MeshException>(() => QuotaCheck.Check(o, "small", kind, limit));
        Assert.Equal("quota_exceeded", e.Code);
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void A_quota_of_one_reads_in_the_singular_and_zero_refuses_the_first()
    {
        var o = new QuotaOptions();
        o.Orgs["one"] = new QuotaOverrides { DedicatedV4 = 1 };
        Assert.Equal("org 'one' is at its quota of 1 dedicated IPv4 address (Mesh:Quotas)",
            Assert.Throws<MeshException>(() => QuotaCheck.Check(o, "one", QuotaKind.DedicatedV4, 1)).Message);
        Assert.Throws<MeshException>(() => QuotaCheck.Check(Options(), "big", QuotaKind.DedicatedV4, 0));
    }
}
