using Mesh.Domain;
using Mesh.Domain.Certificates;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Grains;

public sealed class CertificateTests(InProcessCluster fixture) : IClassFixture<InProcessCluster>
{
    private async Task<IAppGrain> NewApp()
    {
        var app = fixture.Client.GetGrain<IAppGrain>("certs-" + Guid.NewGuid().ToString("N")[..10]);
        await app.Create("personal");
        return app;
    }

    private static string Host() => $"h{Guid.NewGuid():N}".Substring(0, 12) + ".example.com";

    [Fact]
    public async Task Self_signed_certificate_is_generated_listed_and_published()
    {
        var app = await NewApp();
        var host = Host();
        var info = await app.AddCertificateSkippingOwnershipCheck(host.ToUpperInvariant(), null, null);

        Assert.Equal(host, info.Hostname);
        Assert.True(info.SelfSigned);
        Assert.Equal($"CN={host}", info.Subject);
        Assert.Equal(host, Assert.Single(await app.ListCertificates()).Hostname);
        var route = (await fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Apps.Single(a => a.App == app.GetPrimaryKeyString());
        var cert = Assert.Single(route.Certificates);
        Assert.Contains("BEGIN CERTIFICATE", cert.CertificatePem);
        Assert.Contains("PRIVATE KEY", cert.KeyPem);
    }

    [Fact]
    public async Task Imported_pem_pair_is_checked_against_the_hostname()
    {
        var app = await NewApp();
        var host = Host();
        var (certPem, keyPem) = CertificateFactory.CreateSelfSigned(host, DateTimeOffset.UtcNow);
        var info = await app.AddCertificate(host, certPem, keyPem);
        Assert.Equal(host, info.Hostname);

        var wrong = await Assert.ThrowsAsync<MeshException>(() => app.AddCertificate("other." + host, certPem, keyPem));
        Assert.Equal("certificate_mismatch", wrong.Code);

        var (_, otherKey) = CertificateFactory.CreateSelfSigned(host, DateTimeOffset.UtcNow);
        var mismatchedKey = await Assert.ThrowsAsync<MeshException>(() => app.AddCertificate(host, certPem, otherKey));
        Assert.Equal("certificate_invalid", mismatchedKey.Code);

        var garbage = await Assert.ThrowsAsync<MeshException>(() => app.AddCertificate(host, "not a pem", keyPem));
        Assert.Equal("certificate_invalid", garbage.Code);
    }

    [Fact]
    public async Task A_hostname_belongs_to_one_app()
    {
        var a = await NewApp();
        var b = await NewApp();
        var host = Host();
        await a.AddCertificate(host, null, null);
        var e = await Assert.ThrowsAsync<MeshException>(() => b.AddCertificate(host, null, null));
        Assert.Equal("hostname_taken", e.Code);

        await a.RemoveCertificate(host);
        await b.AddCertificate(host, null, null);
        Assert.Single(await b.ListCertificates());
        Assert.Empty(await a.ListCertificates());
    }

    [Fact]
    public async Task Invalid_hostname_is_refused()
    {
        var app = await NewApp();
        var e = await Assert.ThrowsAsync<MeshException>(() => app.AddCertificate("not a host!", null, null));
        Assert.Equal("invalid_hostname", e.Code);
    }

    private async Task<AppRoute> RouteOf(IAppGrain app) =>
        (await fixture.Client.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot()).Apps.Single(a => a.App == app.GetPrimaryKeyString());

    [Fact]
    public async Task A_hostname_whose_ownership_is_not_shown_does_not_route_and_says_why()
    {
        var app = await NewApp();
        var host = Host();
        await app.AddCertificate(host, null, null);

        Assert.Single(await app.ListCertificates());
        Assert.Empty((await RouteOf(app)).Certificates);
        var lifecycle = await Eventually.Until(
            () => fixture.Client.GetGrain<ICertificateGrain>(host).GetLifecycle(),
            l => l?.LastError is not null,
            TimeSpan.FromSeconds(30));
        Assert.Equal(CertificateStatus.AwaitingDns, lifecycle!.Status);
        Assert.False(lifecycle.OwnershipVerified);
        Assert.NotNull(lifecycle.NextAttempt);
        var renew = await Assert.ThrowsAsync<MeshException>(() => fixture.Client.GetGrain<ICertificateGrain>(host).Renew(app.GetPrimaryKeyString()));
        Assert.Equal("certificate_not_verified", renew.Code);
    }

    [Fact]
    public async Task The_operator_override_routes_at_once_and_is_ready()
    {
        var app = await NewApp();
        var host = Host();
        await app.AddCertificateSkippingOwnershipCheck(host, null, null);

        Assert.Equal(host, Assert.Single((await RouteOf(app)).Certificates).Hostname);
        var lifecycle = await Eventually.Until(
            () => fixture.Client.GetGrain<ICertificateGrain>(host).GetLifecycle(),
            l => l?.Status == CertificateStatus.Ready,
            TimeSpan.FromSeconds(30));
        Assert.True(lifecycle!.OwnershipVerified);
        Assert.Null(lifecycle.LastError);
    }

    [Fact]
    public async Task Another_org_cannot_claim_a_name_under_a_verified_wildcard()
    {
        var domain = $"w{Guid.NewGuid():N}"[..10] + ".test";
        var owner = await NewApp();
        var pki = TestCertificates.For("*." + domain);
        await owner.AddCertificateSkippingOwnershipCheck("*." + domain, pki.ChainPem, pki.KeyPem);

        var intruder = fixture.Client.GetGrain<IAppGrain>("certs-" + Guid.NewGuid().ToString("N")[..10]);
        await intruder.Create("other-org");
        var e = await Assert.ThrowsAsync<MeshException>(() => intruder.AddCertificate("www." + domain, null, null));
        Assert.Equal("hostname_taken", e.Code);
        Assert.Contains($"covered by *.{domain}", e.Message);
        Assert.Empty(await intruder.ListCertificates());

        // A name two labels down is not covered; the wildcard's own org may split names off.
        await intruder.AddCertificate("a.b." + domain, null, null);
        var sibling = await NewApp();
        await sibling.AddCertificate("api." + domain, null, null);
    }
}
