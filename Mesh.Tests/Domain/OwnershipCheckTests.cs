using Mesh.Domain.Certificates;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Domain;

public sealed class OwnershipCheckTests
{
    private static readonly CertificateTarget Web = new("web", "acme", ["198.18.1.7", "198.18.0.1"], ["fdaa::7"], []);

    private static DnsObservation Seen(string[]? a = null, string[]? aaaa = null, string[]? cnames = null, string? error = null) =>
        new([.. a ?? []], [.. aaaa ?? []], [.. cnames ?? []], error);

    [Fact]
    public void Addresses_of_the_app_show_ownership()
    {
        Assert.True(OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(a: ["198.18.0.1"])).Verified);
        Assert.True(OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(a: ["198.18.1.7"], aaaa: ["fdaa::7"])).Verified);
        Assert.True(OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(aaaa: ["fdaa::7"])).Verified);
    }

    [Fact]
    public void Any_foreign_address_or_no_record_is_refused_with_what_to_configure()
    {
        var (verified, reason) = OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(a: ["198.18.0.1", "203.0.113.9"]));
        Assert.False(verified);
        Assert.Equal("www.shop.test resolves to 203.0.113.9, not to app web; expected A 198.18.1.7 and AAAA fdaa::7", reason);

        (verified, reason) = OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(error: "Non-Existent Domain"));
        Assert.False(verified);
        Assert.Equal("DNS lookup of www.shop.test failed (Non-Existent Domain); expected A 198.18.1.7 and AAAA fdaa::7", reason);
    }

    [Fact]
    public void A_cname_to_the_app_domain_shows_ownership_when_one_is_set()
    {
        Assert.True(OwnershipCheck.Evaluate("www.shop.test", Web, "apps.mesh.test", Seen(cnames: ["web.apps.mesh.test"])).Verified);
        Assert.False(OwnershipCheck.Evaluate("www.shop.test", Web, "apps.mesh.test", Seen(cnames: ["evil.apps.mesh.test"])).Verified);
        Assert.False(OwnershipCheck.Evaluate("www.shop.test", Web, null, Seen(cnames: ["web.apps.mesh.test"])).Verified);
        Assert.Equal([new DnsRecord("CNAME", "www.shop.test", "web.apps.mesh.test")], OwnershipCheck.Expected("www.shop.test", Web, "apps.mesh.test.").ToArray());
    }

    [Fact]
    public void Expected_records_name_the_dedicated_ipv4_first_and_the_ipv6()
    {
        Assert.Equal(
            [new DnsRecord("A", "shop.test", "198.18.1.7"), new DnsRecord("AAAA", "shop.test", "fdaa::7")],
            OwnershipCheck.Expected("shop.test", Web, null).ToArray());
    }
}
