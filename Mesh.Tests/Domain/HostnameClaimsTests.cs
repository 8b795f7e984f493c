using Mesh.Domain.Certificates;

namespace Mesh.Tests.Domain;

public sealed class HostnameClaimsTests
{
    private static readonly Dictionary<string, HostnameClaim> Claims = new()
    {
        ["*.shop.test"] = new("shop", "org-a", Verified: true),
        ["blog.test"] = new("blog", "org-a", Verified: false),
        ["*.unproven.test"] = new("squat", "org-a", Verified: false),
    };

    [Fact]
    public void Another_orgs_verified_wildcard_covers_one_label()
    {
        Assert.Equal("hostname www.shop.test is covered by *.shop.test, which another organization has verified",
            HostnameClaims.Conflict(Claims, "www.shop.test", "evil", "org-b"));
        Assert.Null(HostnameClaims.Conflict(Claims, "a.b.shop.test", "evil", "org-b"));
        Assert.Null(HostnameClaims.Conflict(Claims, "shop.test", "evil", "org-b"));
    }

    [Fact]
    public void A_wildcard_over_another_orgs_verified_name_is_refused()
    {
        var claims = new Dictionary<string, HostnameClaim> { ["api.shop.test"] = new("shop", "org-a", true) };
        Assert.Equal("hostname *.shop.test would cover api.shop.test, which another organization has verified",
            HostnameClaims.Conflict(claims, "*.shop.test", "evil", "org-b"));
    }

    [Fact]
    public void The_same_org_may_split_names_and_an_unverified_wildcard_blocks_nobody()
    {
        Assert.Null(HostnameClaims.Conflict(Claims, "www.shop.test", "shop-www", "org-a"));
        Assert.Null(HostnameClaims.Conflict(Claims, "x.unproven.test", "real", "org-b"));
        Assert.Null(HostnameClaims.Conflict(Claims, "www.shop.test", "shop", "org-a"));
    }

    [Fact]
    public void An_exact_name_belongs_to_one_app_whoever_holds_it()
    {
        Assert.Equal("hostname blog.test is already used by another app", HostnameClaims.Conflict(Claims, "blog.test", "other", "org-a"));
        Assert.Equal("hostname blog.test is already used by another app", HostnameClaims.Conflict(Claims, "blog.test", "evil", "org-b"));
    }
}
