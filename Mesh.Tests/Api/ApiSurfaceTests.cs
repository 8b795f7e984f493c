using System.Net;
using System.Text.Json;
using Mesh.Hosting;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Api;

/// <summary>What every client of the API relies on: authentication answers, problems, pages, the OpenAPI document, the discovery files.</summary>
[Collection(ProcessTests.Name)]
public sealed class ApiSurfaceTests(EmbeddedApiFixture mesh) : IClassFixture<EmbeddedApiFixture>
{
    [Fact]
    public async Task No_token_and_a_bad_token_are_401_with_a_challenge()
    {
        var none = await Tool.RunAsync("curl", ["-si", $"{mesh.Url}/v1/apps"]);
        Assert.Contains("HTTP/1.1 401", none.Stdout);
        Assert.Contains("WWW-Authenticate: Bearer realm=\"mesh\"", none.Stdout);
        Assert.Contains("application/problem+json", none.Stdout);

        var unknown = ApiToken.New(ApiTokenKind.Org).Text;
        var bad = await Tool.RunAsync("curl", ["-si", "-H", $"Authorization: Bearer {unknown}", $"{mesh.Url}/v1/apps"]);
        Assert.Contains("HTTP/1.1 401", bad.Stdout);
        Assert.Contains("WWW-Authenticate: Bearer realm=\"mesh\", error=\"invalid_token\"", bad.Stdout);

        // A mutating call refused for its token is still audited.
        using (var anonymous = mesh.Anonymous)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.DeleteAsync("/v1/apps/anon-target")).Status);
        }
        await mesh.Silo.Process.WaitForLineAsync("audit token=none org=- action=app.destroy target=anon-target result=401", TimeSpan.FromSeconds(10));

        // A made-up operator token is no operator.
        using var fake = mesh.As(ApiToken.New(ApiTokenKind.Operator).Text);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fake.GetAsync("/v1/status")).Status);

        // Refusals are logged by token id, never with the token.
        ApiTokenTryParse(unknown, out var id);
        var logged = await mesh.Silo.Process.WaitForLineAsync($"refused token={id}", TimeSpan.FromSeconds(10));
        Assert.DoesNotContain(unknown, mesh.Silo.Process.Output);
        Assert.Contains("status=401", logged);
        using var op = mesh.Operator;
        Assert.True((await op.OkAsync<ApiStatus>(op.GetAsync("/v1/status"))).Refusals >= 3);
    }

    [Fact]
    public async Task Every_documented_path_but_the_document_needs_a_token()
    {
        using var anonymous = mesh.Anonymous;
        var document = await anonymous.GetAsync("/v1/openapi.json");
        Assert.Equal(HttpStatusCode.OK, document.Status);
        using var json = JsonDocument.Parse(document.Body);
        Assert.Equal("bearer", json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateObject().Select(m => m.Name).ToList());
        foreach (var expected in new[] { "/v1/orgs", "/v1/apps", "/v1/apps/{app}", "/v1/apps/{app}/ips", "/v1/apps/{app}/ips/{address}", "/v1/apps/{app}/certs",
            "/v1/apps/{app}/instances", "/v1/instances/{id}", "/v1/instances/{id}/stop", "/v1/regions", "/v1/status", "/v1/tokens", "/v1/tokens/{id}" })
        {
            Assert.Contains(expected, paths.Keys);
        }
        foreach (var (path, methods) in paths)
        {
            foreach (var method in methods)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), mesh.Url + path.Replace("{", "x").Replace("}", ""));
                using var http = new HttpClient();
                using var response = await http.SendAsync(request);
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path}: {(int)response.StatusCode}");
            }
        }
    }

    [Fact]
    public async Task Errors_are_problems_with_the_one_line_message()
    {
        using var op = mesh.Operator;
        await ApiTokens.CreateAppAsync(op, "prob-app");

        var exists = await op.PostAsync("/v1/apps", new CreateAppRequest("prob-app"));
        Assert.Equal(HttpStatusCode.Conflict, exists.Status);
        var problem = exists.Problem();
        Assert.Equal(new ApiProblem("https://mesh.dev/problems/app_exists", "app 'prob-app' already exists", 409, "app_exists", "app 'prob-app' already exists"), problem);

        var invalid = (await op.PutTextAsync("/v1/apps/prob-app", "[http_service]\ninternal_port = \"x\"\n")).Problem();
        Assert.Equal(422, invalid.Status);
        Assert.Equal("config_invalid", invalid.Code);
        Assert.Contains("internal_port", invalid.Detail);
        Assert.DoesNotContain("\n", invalid.Detail);

        var badName = (await op.PostAsync("/v1/apps", new CreateAppRequest("Bad Name"))).Problem();
        Assert.Equal((400, "invalid_name"), (badName.Status, badName.Code));
        var badJson = (await op.PostAsync("/v1/apps/prob-app/ips", new { kind = "v5" })).Problem();
        Assert.Equal((400, "invalid_request"), (badJson.Status, badJson.Code));
        Assert.Contains("kind", badJson.Detail);
        var badLimit = (await op.GetAsync("/v1/apps?limit=0")).Problem();
        Assert.Equal((400, "invalid_limit"), (badLimit.Status, badLimit.Code));
        var noRoute = (await op.GetAsync("/v1/nothing/here")).Problem();
        Assert.Equal((404, "route_not_found"), (noRoute.Status, noRoute.Code));
    }

    [Fact]
    public async Task Pages_walk_a_list_in_name_order()
    {
        using var op = mesh.Operator;
        using var org = mesh.As(await ApiTokens.OrgTokenAsync(op, "page-org"));
        var names = new[] { "page-e", "page-a", "page-d", "page-b", "page-c" };
        foreach (var name in names)
        {
            await ApiTokens.CreateAppAsync(org, name);
        }
        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await org.OkAsync<Page<AppInfo>>(org.GetAsync("/v1/apps?limit=2" + (cursor is null ? "" : $"&cursor={cursor}")));
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(i => i.Name));
            cursor = page.NextCursor;
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(names.Order(StringComparer.Ordinal), seen);
        Assert.Equal(seen, (await org.OkAsync<Page<AppInfo>>(org.GetAsync("/v1/apps"))).Items.Select(i => i.Name));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Discovery_files_are_private_and_name_the_running_api()
    {
        foreach (var file in new[] { EmbeddedApiEndpoint.PathIn(mesh.DataDirectory), EmbeddedApiEndpoint.OperatorTokenPathIn(mesh.DataDirectory) })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
        var endpoint = EmbeddedApiEndpoint.ReadFrom(mesh.DataDirectory)!;
        Assert.Equal(mesh.Url, endpoint.Url);
        Assert.Equal(mesh.Silo.Process.Id, endpoint.ProcessId);
        Assert.StartsWith("http://127.0.0.1:", endpoint.Url);
        Assert.True(ApiTokenTryParse(mesh.OperatorToken, out _));

        // The operator token is never in the silo's output, and a mutating call leaves one audit line.
        using var op = mesh.Operator;
        await ApiTokens.CreateAppAsync(op, "audit-app");
        var audit = await mesh.Silo.Process.WaitForLineAsync("action=app.create target=audit-app", TimeSpan.FromSeconds(10));
        Assert.Contains("audit token=operator org=personal action=app.create target=audit-app result=ok", audit);
        Assert.DoesNotContain(mesh.OperatorToken, mesh.Silo.Process.Output);
    }

    private static bool ApiTokenTryParse(string text, out string id)
    {
        var ok = ApiToken.TryParse(text, out var token);
        id = ok ? token.Id : "";
        return ok;
    }
}
