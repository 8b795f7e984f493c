using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Api;

/// <summary>Makes orgs and tokens through the API, as the operator would.</summary>
internal static class ApiTokens
{
    public static async Task<string> OrgTokenAsync(ApiClient operatorClient, string org, string? expiry = null)
    {
        var created = await operatorClient.PostAsync("/v1/orgs", new CreateOrgRequest(org));
        Assert.True(created.Status is System.Net.HttpStatusCode.Created or System.Net.HttpStatusCode.Conflict, created.Body);
        return (await operatorClient.OkAsync<CreatedToken>(operatorClient.PostAsync("/v1/tokens", new CreateTokenRequest(Org: org, Expiry: expiry)))).Token;
    }

    public static async Task<CreatedToken> DeployTokenAsync(ApiClient client, string app) =>
        await client.OkAsync<CreatedToken>(client.PostAsync("/v1/tokens", new CreateTokenRequest(App: app)));

    public static Task<AppInfo> CreateAppAsync(ApiClient client, string app) =>
        client.OkAsync<AppInfo>(client.PostAsync("/v1/apps", new CreateAppRequest(app)));
}
