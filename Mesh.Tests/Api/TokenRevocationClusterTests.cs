using System.Net;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Api;

/// <summary>
/// Three silos of a Redis cluster, each serving the API: a token revoked through one silo is
/// refused by the very next request on every silo, and an expired token is refused everywhere.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class TokenRevocationClusterTests
{
    [Fact]
    public async Task Revoked_and_expired_tokens_are_refused_on_every_silo()
    {
        await using var redis = await RedisServer.StartAsync();
        // Cluster silos as issued by 'mesh cluster issue-cert': HTTPS with their node certificates,
        // the operator token checked against the hash issued beside them.
        using var identity = new ClusterIdentity();
        var serviceId = "api-" + Guid.NewGuid().ToString("N")[..8];
        var silos = new List<SiloProcess>();
        try
        {
            foreach (var region in new[] { "ams", "iad", "sin" })
            {
                silos.Add(await SiloProcess.StartAsync(region, redis.Connection, serviceId: serviceId, tlsDir: identity.Issue(NodeRole.Silo, "silo-" + region)));
            }
            var urls = silos.Select(ApiSilo.UrlOf).ToList();
            using var op = new ApiClient(urls[0], identity.OperatorToken, identity.CaPath);
            var members = await Eventually.Succeeds(async () =>
            {
                var status = await op.OkAsync<ApiStatus>(op.GetAsync("/v1/status"));
                return status.Members.Count(m => m.Status == "Active") == 3 ? status : throw new TimeoutException("not all silos active yet");
            }, TimeSpan.FromSeconds(60));
            Assert.Equal(["ams", "iad", "sin"], members.Regions);

            var revoked = await ApiTokens.OrgTokenAsync(op, "rev-org");
            var kept = await ApiTokens.OrgTokenAsync(op, "rev-org");
            var expired = await op.OkAsync<CreatedToken>(op.PostAsync("/v1/tokens", new CreateTokenRequest(Org: "rev-org", Expiry: "1ms")));
            foreach (var url in urls)
            {
                using var client = new ApiClient(url, revoked, identity.CaPath);
                Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v1/apps")).Status);
            }

            using (var revoker = new ApiClient(urls[1], kept, identity.CaPath))
            {
                Assert.Equal(HttpStatusCode.NoContent, (await revoker.DeleteAsync($"/v1/tokens/{TokenId(revoked)}")).Status);
            }
            foreach (var url in urls)
            {
                foreach (var token in new[] { revoked, expired.Token })
                {
                    using var client = new ApiClient(url, token, identity.CaPath);
                    var response = await client.GetAsync("/v1/apps");
                    Assert.True(response.Status == HttpStatusCode.Unauthorized, $"{url}: {(int)response.Status} {response.Body}");
                    Assert.Contains("error=\"invalid_token\"", response.WwwAuthenticate);
                }
                using var live = new ApiClient(url, kept, identity.CaPath);
                Assert.Equal(HttpStatusCode.OK, (await live.GetAsync("/v1/apps")).Status);
            }
            var listed = await op.OkAsync<Page<TokenInfo>>(op.GetAsync("/v1/tokens?org=rev-org"));
            Assert.True(listed.Items.Single(t => t.Id == TokenId(revoked)).Revoked);
            Assert.DoesNotContain(revoked, string.Join("\n", silos.Select(s => s.Process.Output)));
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static string TokenId(string text) => ApiToken.TryParse(text, out var token) ? token.Id : throw new ArgumentException("not a token");
}
