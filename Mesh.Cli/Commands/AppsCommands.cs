using System.CommandLine;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Cli.Output;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh apps create|list|destroy</c>.</summary>
internal static class AppsCommands
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "App name" };
        var org = new Option<string?>("--org", "-o") { Description = "Organization (default: the token's org, or personal for the operator)" };
        var create = new Command("create", "Create an app").With(name, org).Runs(async (p, c) =>
        {
            var app = await c.Api.PostAsync<AppInfo>("/v1/apps", new CreateAppRequest(p.GetValue(name)!, p.GetValue(org)), c.Cancellation);
            c.Out.Print(app, a => $"New app created: {a.Name} (org {a.Org})\n");
        });

        var listOrg = new Option<string?>("--org", "-o") { Description = "Only this organization's apps" };
        var list = new Command("list", "List apps").With(listOrg).Runs(async (p, c) =>
        {
            var filter = p.GetValue(listOrg) is { } o ? $"?org={Uri.EscapeDataString(o)}" : "";
            var rows = await c.Api.ListAsync<AppInfo>($"/v1/apps{filter}", c.Cancellation);
            c.Out.Print(rows, r =>
            {
                var table = new Table("NAME", "OWNER", "RELEASE", "IPS", "INSTANCES", "CREATED");
                foreach (var a in r) table.Add(a.Name, a.Org, a.Release, a.IpCount, a.InstanceCount, a.CreatedAt.ToString("u"));
                return table.ToString();
            });
        });

        var destroyName = new Argument<string>("name") { Description = "App to destroy" };
        var yes = new Option<bool>("--yes", "-y") { Description = "Accepted for flyctl compatibility; destroy never prompts" };
        var destroy = new Command("destroy", "Destroy an app: release its IPs, remove its instances and certificates").With(destroyName, yes).Runs(async (p, c) =>
        {
            var app = p.GetValue(destroyName)!;
            await c.Api.DeleteAsync($"/v1/apps/{ApiClient.Segment(app)}", c.Cancellation);
            c.Out.Print(new { destroyed = app }, _ => $"Destroyed app {app}\n");
        });

        return new Command("apps", "Manage apps").With(create, list, destroy);
    }
}
