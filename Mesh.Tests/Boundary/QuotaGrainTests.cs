using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Boundary;

/// <summary>Per-org quotas through the real grains: counted where the allocation happens, freed on release, one org never uses up another's.</summary>
public sealed class QuotaGrainTests(BoundaryCluster fixture) : IClassFixture<BoundaryCluster>
{
    private const string Web = "[http_service]\n  internal_port = 8080\n";

    private async Task<IAppGrain> NewApp(string org)
    {
        var app = fixture.Client.GetGrain<IAppGrain>($"{org}-" + Guid.NewGuid().ToString("N")[..8]);
        await app.Create(org);
        return app;
    }

    private static InstanceRegistration At(string org, string id) => new("ams", $"[{PrivateAddresses.For(org, "ams", id)}]:8080", []);

    [Fact]
    public async Task An_org_at_its_dedicated_v4_quota_gets_a_one_line_refusal_and_a_release_frees_one()
    {
        // "tiny" also has an app quota of 3: this test owns the org's dedicated IPv4s, not its apps.
        var first = await NewApp("tiny");
        var second = await NewApp("tiny");
        await first.AllocateIp(IpKind.V4);
        var held = await second.AllocateIp(IpKind.V4);

        var e = await Assert.ThrowsAsync<MeshException>(() => first.AllocateIp(IpKind.V4));
        Assert.Equal("quota_exceeded", e.Code);
        Assert.Equal("org 'tiny' is at its quota of 2 dedicated IPv4 addresses (Mesh:Quotas)", e.Message);
        // Another org is not affected, and IPv6 is not limited by the IPv4 quota.
        await (await NewApp("roomy")).AllocateIp(IpKind.V4);
        await first.AllocateIp(IpKind.V6);

        await second.ReleaseIp(held.Address);
        await first.AllocateIp(IpKind.V4);
        await second.Destroy();
        await first.Destroy();
    }

    [Fact]
    public async Task Apps_instances_and_certificates_stop_at_the_orgs_quota_and_come_back_when_freed()
    {
        var app = await NewApp("tiny");
        try
        {
            // Instances: 2.
            var i1 = await app.AddInstance(At("tiny", "a"));
            await app.AddInstance(At("tiny", "b"));
            var e = await Assert.ThrowsAsync<MeshException>(() => app.AddInstance(At("tiny", "c")));
            Assert.Equal("org 'tiny' is at its quota of 2 instances (Mesh:Quotas)", e.Message);
            await fixture.Client.GetGrain<IInstanceGrain>(i1.Id).Remove();
            await app.AddInstance(At("tiny", "c"));

            // Certificates: 2; replacing one is not another.
            await app.AddCertificate("a.tiny.test", null, null);
            await app.AddCertificate("b.tiny.test", null, null);
            await app.AddCertificate("a.tiny.test", null, null);
            e = await Assert.ThrowsAsync<MeshException>(() => app.AddCertificate("c.tiny.test", null, null));
            Assert.Equal("org 'tiny' is at its quota of 2 certificates (Mesh:Quotas)", e.Message);
            await app.RemoveCertificate("b.tiny.test");
            await app.AddCertificate("c.tiny.test", null, null);
        }
        finally
        {
            // Destroying the app gives back its instances and certificates.
            await app.Destroy();
        }
        var again = await NewApp("tiny");
        await again.AddInstance(At("tiny", "d"));
        await again.AddInstance(At("tiny", "e"));
        await again.AddCertificate("a.tiny.test", null, null);
        await again.Destroy();
    }

    [Fact]
    public async Task An_org_at_its_app_quota_cannot_create_another_and_nothing_is_left_behind()
    {
        var apps = new List<IAppGrain>();
        // Tests of a class run one at a time, and the others destroy their "tiny" apps.
        var catalog = fixture.Client.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global);
        MeshException? refused = null;
        for (var i = 0; i < 4 && refused is null; i++)
        {
            var app = fixture.Client.GetGrain<IAppGrain>("quota-app-" + i);
            try
            {
                await app.Create("tiny");
                apps.Add(app);
            }
            catch (MeshException e)
            {
                refused = e;
                Assert.Null(await app.GetInfo());
                Assert.DoesNotContain(await catalog.List("tiny"), a => a.Name == "quota-app-" + i);
            }
        }
        Assert.NotNull(refused);
        Assert.Equal("quota_exceeded", refused.Code);
        Assert.Equal("org 'tiny' is at its quota of 3 apps (Mesh:Quotas)", refused.Message);
        foreach (var app in apps) await app.Destroy();
        await (await NewApp("tiny")).Destroy();
    }
}
