using System.CommandLine;
using Mesh.Interfaces.Api;
using Mesh.Cli.Output;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh orgs create ORG|list</c>: creating an org takes the operator token.</summary>
internal static class OrgsCommands
{
    public static Command Build()
    {
        var name = new Argument<string>("name") { Description = "Organization name" };
        var create = new Command("create", "Create an organization (operator only)").With(name).Runs(async (p, c) =>
        {
            var org = await c.Api.PostAsync<OrgInfo>("/v1/orgs", new CreateOrgRequest(p.GetValue(name)!), c.Cancellation);
            c.Out.Print(org, o => $"New org created: {o.Name}\n");
        });

        var list = new Command("list", "List organizations (a tenant token sees its own)").Runs(async (p, c) =>
        {
            var orgs = await c.Api.ListAsync<OrgInfo>("/v1/orgs", c.Cancellation);
            c.Out.Print(orgs, r =>
            {
                var table = new Table("NAME", "CREATED");
                foreach (var o in r) table.Add(o.Name, o.CreatedAt.ToString("u"));
                return table.ToString();
            });
        });

        return new Command("orgs", "Manage organizations").With(create, list);
    }
}
