using Mesh.Domain;
using Mesh.Domain.Tokens;
using Mesh.Interfaces.Model;
using Mesh.Security;
using Mesh.Silo.Api;

namespace Mesh.Tests.Api;

/// <summary>The API's pure parts: pages, statuses, scopes, token lifetimes.</summary>
public sealed class ApiCoreTests
{
    [Fact]
    public void Pages_follow_the_cursor_without_repeats_or_gaps()
    {
        var items = new[] { "d", "a", "c", "b", "e" };
        var first = Paging.Take(items, i => i, new PageRequest(2, null));
        Assert.Equal(["a", "b"], first.Items);
        var cursor = first.NextCursor!;
        // An item removed before the cursor changes nothing after it.
        var second = Paging.Take(items.Where(i => i != "a"), i => i, new PageRequest(2, Decode(cursor)));
        Assert.Equal(["c", "d"], second.Items);
        var last = Paging.Take(items, i => i, new PageRequest(2, Decode(second.NextCursor!)));
        Assert.Equal(["e"], last.Items);
        Assert.Null(last.NextCursor);
    }

    [Theory]
    [InlineData("app_not_found", 404)]
    [InlineData("instance_not_found", 404)]
    [InlineData("app_exists", 409)]
    [InlineData("ip_conflict", 409)]
    [InlineData("hostname_taken", 409)]
    [InlineData("config_invalid", 422)]
    [InlineData("invalid_address", 400)]
    [InlineData("quota_exceeded", 403)]
    [InlineData("something_new", 400)]
    public void Codes_map_to_statuses(string code, int status) => Assert.Equal(status, ProblemStatus.For(code));

    [Fact]
    public void A_deploy_token_sees_only_the_app_it_was_made_for()
    {
        var created = DateTimeOffset.UtcNow;
        var deploy = new Caller("t", ApiTokenKind.App, "acme", "web", created);
        Assert.True(Scopes.CanSee(deploy, App("web", "acme", created)));
        Assert.False(Scopes.CanSee(deploy, App("web", "acme", created.AddSeconds(1))));
        Assert.False(Scopes.CanSee(deploy, App("api", "acme", created)));
        Assert.False(Scopes.CanSee(new Caller("o", ApiTokenKind.Org, "acme", null, null), App("web", "other", created)));
        Assert.True(Scopes.Allows(ApiTokenKind.App, ApiAction.Deploy));
        Assert.False(Scopes.Allows(ApiTokenKind.App, ApiAction.AllocateIp));
        Assert.False(Scopes.Allows(ApiTokenKind.Org, ApiAction.CreateOrg));
    }

    [Fact]
    public void Expiry_is_a_go_duration()
    {
        Assert.Equal(TimeSpan.FromHours(720), TokenExpiry.Parse("720h"));
        Assert.Equal(TimeSpan.FromMinutes(90), TokenExpiry.Parse("1h30m"));
        Assert.Contains("expiry: 'soon'", Assert.Throws<MeshException>(() => TokenExpiry.Parse("soon")).Message);
        Assert.Equal("invalid_expiry", Assert.Throws<MeshException>(() => TokenExpiry.Parse("0")).Code);
    }

    private static AppInfo App(string name, string org, DateTimeOffset created) => new(name, org, created, 0, null, 0, 0, 0);

    private static string Decode(string cursor)
    {
        var b64 = cursor.Replace('-', '+').Replace('_', '/');
        return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=')));
    }
}
