using System.CommandLine;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Cli.Output;
using Mesh.Interfaces.Model;
using Mesh.Security;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh tokens create --org ORG | --app APP [--name N] [--expiry D]</c>, <c>list [--org ORG]</c>,
/// <c>revoke ID</c>. A token's text is printed once, when it is created; lists show only ids.
/// </summary>
internal static class TokensCommands
{
    public static Command Build()
    {
        var org = new Option<string?>("--org", "-o") { Description = "Make an org token for this organization" };
        var app = new Option<string?>("--app", "-a") { Description = "Make a deploy token for this app (deploy, certs, instances of it only)" };
        var name = new Option<string?>("--name") { Description = "A name to recognise the token by in lists" };
        var expiry = new Option<string?>("--expiry") { Description = "Lifetime, e.g. 720h (default: the API's)" };
        var create = new Command("create", "Create an org token (--org) or a deploy token (--app); it is shown once").With(org, app, name, expiry).Runs(async (p, c) =>
        {
            var token = await c.Api.PostAsync<CreatedToken>("/v1/tokens",
                new CreateTokenRequest(p.GetValue(org), p.GetValue(app), p.GetValue(name), p.GetValue(expiry)), c.Cancellation);
            c.Out.Print(token, t =>
                $"{t.Token}\n" +
                $"{(t.App is null ? $"Org token for {t.Org}" : $"Deploy token for app {t.App}")} created: id {t.Id}, expires {(t.ExpiresAt is { } e ? e.ToString("u") : "never")}.\n" +
                "It will not be shown again: store it now.\n");
        });

        var listOrg = new Option<string?>("--org", "-o") { Description = "Only this organization's tokens" };
        var list = new Command("list", "List tokens (ids and names, never the tokens)").With(listOrg).Runs(async (p, c) =>
        {
            var filter = p.GetValue(listOrg) is { } o ? $"?org={Uri.EscapeDataString(o)}" : "";
            var tokens = await c.Api.ListAsync<TokenInfo>($"/v1/tokens{filter}", c.Cancellation);
            c.Out.Print(tokens, r =>
            {
                var table = new Table("ID", "KIND", "ORG", "APP", "NAME", "CREATED", "EXPIRES", "REVOKED");
                foreach (var t in r)
                {
                    table.Add(t.Id, KindText(t.Kind), t.Org, t.App, t.Name, t.CreatedAt.ToString("u"), t.ExpiresAt?.ToString("u") ?? "never", t.Revoked ? "yes" : "no");
                }
                return table.ToString();
            });
        });

        var id = new Argument<string>("id") { Description = "Token id (from mesh tokens list), or the token itself" };
        var revoke = new Command("revoke", "Revoke a token: it is refused at once").With(id).Runs(async (p, c) =>
        {
            // A pasted token becomes its id: the secret never travels in a URL, where logs would keep it.
            var tokenId = ApiToken.TryParse(p.GetValue(id)!.Trim(), out var pasted) ? pasted.Id : p.GetValue(id)!;
            await c.Api.DeleteAsync($"/v1/tokens/{ApiClient.Segment(tokenId)}", c.Cancellation);
            c.Out.Print(new { revoked = tokenId }, _ => $"Revoked token {tokenId}\n");
        });

        return new Command("tokens", "Manage API tokens").With(create, list, revoke);
    }

    private static string KindText(ApiTokenKind kind) => kind switch
    {
        ApiTokenKind.Operator => "operator",
        ApiTokenKind.Org => "org",
        ApiTokenKind.App => "deploy",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
