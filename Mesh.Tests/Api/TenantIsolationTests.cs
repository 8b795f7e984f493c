using System.Net;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;

namespace Mesh.Tests.Api;

/// <summary>
/// Two orgs with their own org tokens against a real embedded silo: each sees only its apps, and
/// every read and write on the other org's app or instance is the 404 of a missing one and
/// changes nothing.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class TenantIsolationTests(EmbeddedApiFixture mesh) : IClassFixture<EmbeddedApiFixture>
{
    private const string FlyToml = """
        app = "iso-b"
        [http_service]
          internal_port = 8080
        """;

    [Fact]
    public async Task Another_orgs_app_is_not_found_and_unchanged()
    {
        using var op = mesh.Operator;
        using var a = mesh.As(await ApiTokens.OrgTokenAsync(op, "iso-org-a"));
        using var b = mesh.As(await ApiTokens.OrgTokenAsync(op, "iso-org-b"));
        await ApiTokens.CreateAppAsync(a, "iso-a");
        await ApiTokens.CreateAppAsync(b, "iso-b");
        await b.OkAsync<DeployResult>(b.PutTextAsync("/v1/apps/iso-b", FlyToml));
        await b.OkAsync<CertificateInfo>(b.PostAsync("/v1/apps/iso-b/certs", new AddCertificateRequest("iso-b.example.com")));
        var instance = await b.OkAsync<InstanceInfo>(b.PostAsync("/v1/apps/iso-b/instances", new { region = "ams", address = "127.0.0.1:18080" }));
        var address = (await b.OkAsync<Page<IpAssignment>>(b.GetAsync("/v1/apps/iso-b/ips"))).Items[0].Address;
        var before = await StateOf(b, "iso-b");

        Assert.Equal(["iso-a"], (await a.OkAsync<Page<AppInfo>>(a.GetAsync("/v1/apps"))).Items.Select(i => i.Name));
        Assert.Equal(["iso-b"], (await b.OkAsync<Page<AppInfo>>(b.GetAsync("/v1/apps"))).Items.Select(i => i.Name));

        // What a missing app and a missing instance look like, with the names swapped in.
        var missingApp = (await op.GetAsync("/v1/apps/iso-zz")).Body.Replace("iso-zz", "iso-b");
        var missingInstance = (await op.GetAsync("/v1/instances/i-zz")).Body.Replace("i-zz", instance.Id);
        var appCalls = new (string What, Func<Task<ApiResponse>> Call)[]
        {
            ("get", () => a.GetAsync("/v1/apps/iso-b")),
            ("deploy", () => a.PutTextAsync("/v1/apps/iso-b", FlyToml)),
            ("destroy", () => a.DeleteAsync("/v1/apps/iso-b")),
            ("config", () => a.GetAsync("/v1/apps/iso-b/config")),
            ("ips list", () => a.GetAsync("/v1/apps/iso-b/ips")),
            ("ips allocate", () => a.PostAsync("/v1/apps/iso-b/ips", new AllocateIpRequest(IpKind.V4))),
            ("ips release", () => a.DeleteAsync($"/v1/apps/iso-b/ips/{address}")),
            ("certs list", () => a.GetAsync("/v1/apps/iso-b/certs")),
            ("certs add", () => a.PostAsync("/v1/apps/iso-b/certs", new AddCertificateRequest("iso-steal.example.com"))),
            ("certs remove", () => a.DeleteAsync("/v1/apps/iso-b/certs/iso-b.example.com")),
            ("instances list", () => a.GetAsync("/v1/apps/iso-b/instances")),
            ("instances add", () => a.PostAsync("/v1/apps/iso-b/instances", new { region = "ams", address = "127.0.0.1:18081" })),
        };
        foreach (var (what, call) in appCalls)
        {
            var response = await call();
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{what}: {(int)response.Status} {response.Body}");
            Assert.Equal(missingApp, response.Body);
        }
        var instanceCalls = new (string What, Func<Task<ApiResponse>> Call)[]
        {
            ("instance get", () => a.GetAsync($"/v1/instances/{instance.Id}")),
            ("instance stop", () => a.PostAsync($"/v1/instances/{instance.Id}/stop")),
            ("instance start", () => a.PostAsync($"/v1/instances/{instance.Id}/start")),
            ("instance remove", () => a.DeleteAsync($"/v1/instances/{instance.Id}")),
        };
        foreach (var (what, call) in instanceCalls)
        {
            var response = await call();
            Assert.True(response.Status == HttpStatusCode.NotFound, $"{what}: {(int)response.Status} {response.Body}");
            Assert.Equal(missingInstance, response.Body);
        }

        // The other org itself does not exist for this token either.
        Assert.Equal("org_not_found", (await a.GetAsync("/v1/apps?org=iso-org-b")).Problem().Code);
        Assert.Equal("org_not_found", (await a.PostAsync("/v1/apps", new CreateAppRequest("iso-c", "iso-org-b"))).Problem().Code);
        Assert.Equal("org_not_found", (await a.PostAsync("/v1/tokens", new CreateTokenRequest(Org: "iso-org-b"))).Problem().Code);
        Assert.Equal("app_not_found", (await a.PostAsync("/v1/tokens", new CreateTokenRequest(App: "iso-b"))).Problem().Code);
        Assert.Equal(["iso-org-a"], (await a.OkAsync<Page<OrgInfo>>(a.GetAsync("/v1/orgs"))).Items.Select(o => o.Name));

        Assert.Equal(before, await StateOf(b, "iso-b"));
    }

    [Fact]
    public async Task A_deploy_token_works_for_its_app_only()
    {
        using var op = mesh.Operator;
        using var org = mesh.As(await ApiTokens.OrgTokenAsync(op, "dep-org"));
        await ApiTokens.CreateAppAsync(org, "dep-mine");
        await ApiTokens.CreateAppAsync(org, "dep-other");
        var token = await ApiTokens.DeployTokenAsync(org, "dep-mine");
        Assert.Equal(Mesh.Security.ApiTokenKind.App, token.Kind);
        using var deploy = mesh.As(token.Token);

        Assert.Equal(1, (await deploy.OkAsync<DeployResult>(deploy.PutTextAsync("/v1/apps/dep-mine", FlyToml.Replace("iso-b", "dep-mine")))).Release);
        await deploy.OkAsync<AppInfo>(deploy.GetAsync("/v1/apps/dep-mine"));
        await deploy.OkAsync<Page<IpAssignment>>(deploy.GetAsync("/v1/apps/dep-mine/ips"));
        await deploy.OkAsync<CertificateInfo>(deploy.PostAsync("/v1/apps/dep-mine/certs", new AddCertificateRequest("dep-mine.example.com")));
        var instance = await deploy.OkAsync<InstanceInfo>(deploy.PostAsync("/v1/apps/dep-mine/instances", new { region = "ams", address = "127.0.0.1:18090" }));
        Assert.Equal(InstanceState.Stopped, (await deploy.OkAsync<InstanceInfo>(deploy.PostAsync($"/v1/instances/{instance.Id}/stop"))).State);

        // Another app of the same org: invisible.
        Assert.Equal(HttpStatusCode.NotFound, (await deploy.GetAsync("/v1/apps/dep-other")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await deploy.PutTextAsync("/v1/apps/dep-other", FlyToml)).Status);
        // Its own app, but not its to do.
        foreach (var response in new[]
        {
            await deploy.PostAsync("/v1/apps", new CreateAppRequest("dep-new")),
            await deploy.PostAsync("/v1/tokens", new CreateTokenRequest(App: "dep-mine")),
            await deploy.GetAsync("/v1/tokens"),
            await deploy.DeleteAsync("/v1/apps/dep-mine"),
            await deploy.PostAsync("/v1/apps/dep-mine/ips", new AllocateIpRequest(IpKind.V4)),
        })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.Status);
            Assert.Equal("forbidden", response.Problem().Code);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await org.GetAsync("/v1/apps/dep-new")).Status);
        Assert.Equal(1, (await org.OkAsync<AppInfo>(org.GetAsync("/v1/apps/dep-mine"))).Release);
    }

    [Fact]
    public async Task Another_orgs_tokens_are_not_found_and_keep_working()
    {
        using var op = mesh.Operator;
        var tokenA = await ApiTokens.OrgTokenAsync(op, "tok-org-a");
        var tokenB = await ApiTokens.OrgTokenAsync(op, "tok-org-b");
        using var a = mesh.As(tokenA);
        using var b = mesh.As(tokenB);
        var idB = (await b.OkAsync<Page<TokenInfo>>(b.GetAsync("/v1/tokens"))).Items.Single().Id;

        var listed = await a.OkAsync<Page<TokenInfo>>(a.GetAsync("/v1/tokens"));
        Assert.All(listed.Items, t => Assert.Equal("tok-org-a", t.Org));
        Assert.Equal("org_not_found", (await a.GetAsync("/v1/tokens?org=tok-org-b")).Problem().Code);
        var revoke = await a.DeleteAsync($"/v1/tokens/{idB}");
        Assert.Equal(HttpStatusCode.NotFound, revoke.Status);
        Assert.Equal((await op.DeleteAsync("/v1/tokens/0000000000000000")).Body.Replace("0000000000000000", idB), revoke.Body);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("/v1/apps")).Status);

        // The operator sees both orgs, and may create an app in an org that does not exist yet.
        await op.OkAsync<AppInfo>(op.PostAsync("/v1/apps", new CreateAppRequest("tok-new-app", "tok-org-new")));
        var orgs = (await op.OkAsync<Page<OrgInfo>>(op.GetAsync("/v1/orgs?limit=1000"))).Items.Select(o => o.Name).ToList();
        Assert.Contains("personal", orgs);
        Assert.Contains("tok-org-a", orgs);
        Assert.Contains("tok-org-new", orgs);
    }

    /// <summary>Everything the owner can read of an app, as JSON text.</summary>
    private static async Task<string> StateOf(ApiClient owner, string app) => string.Join("\n",
        (await owner.GetAsync($"/v1/apps/{app}")).Body,
        (await owner.GetAsync($"/v1/apps/{app}/config")).Body,
        (await owner.GetAsync($"/v1/apps/{app}/ips")).Body,
        (await owner.GetAsync($"/v1/apps/{app}/certs")).Body,
        (await owner.GetAsync($"/v1/apps/{app}/instances")).Body);
}
