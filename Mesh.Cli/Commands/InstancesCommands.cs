using System.Collections.Immutable;
using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Domain;
using Mesh.Cli.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh instances add|list|stop|start|remove</c>: instances are registered, not run, by the platform.</summary>
internal static class InstancesCommands
{
    public static Command Build()
    {
        var app = CommandExtensions.AppOption();
        var region = new Option<string>("--region", "-r") { Description = "Region the instance runs in", Required = true };
        var address = new Option<string>("--address") { Description = "Private address HOST:PORT the gateways connect to", Required = true };
        var metadata = new Option<string[]>("--metadata", "-m") { Description = "key=value metadata (repeatable)", AllowMultipleArgumentsPerToken = false };
        var add = new Command("add", "Register an instance of the app").With(app, region, address, metadata).Runs(async (p, c) =>
        {
            var meta = ParseMetadata(p.GetValue(metadata) ?? []);
            var info = await c.Api.PostAsync<InstanceInfo>(
                $"/v1/apps/{ApiClient.Segment(p.GetValue(app)!)}/instances", new InstanceRegistration(p.GetValue(region)!, p.GetValue(address)!, meta), c.Cancellation);
            c.Out.Print(info, i => $"Instance {i.Id} of {i.App} registered in {i.Region} at {i.Address} (private {i.PrivateIp})\n");
        });

        var appL = CommandExtensions.AppOption();
        var list = new Command("list", "List the app's instances").With(appL).Runs(async (p, c) =>
        {
            var instances = await c.Api.ListAsync<InstanceInfo>($"/v1/apps/{ApiClient.Segment(p.GetValue(appL)!)}/instances", c.Cancellation);
            c.Out.Print(instances, r =>
            {
                var table = new Table("ID", "REGION", "STATE", "HEALTH", "ADDRESS", "PRIVATE IP", "OUTBOUND IP", "OUTBOUND IPV4", "UPDATED");
                foreach (var i in r) table.Add(i.Id, i.Region, Lower(i.State), Lower(i.Health), i.Address, i.PrivateIp, i.OutboundIp, i.OutboundIpV4 ?? "-", i.UpdatedAt.ToString("u"));
                return table.ToString();
            });
        });

        return new Command("instances", "Manage the app's instances").With(
            add, list,
            Change("stop", "Stop routing to an instance"),
            Change("start", "Route to an instance again"),
            Remove());
    }

    private static Command Change(string name, string description)
    {
        var id = new Argument<string>("id") { Description = "Instance id" };
        return new Command(name, description).With(id).Runs(async (p, c) =>
        {
            var info = await c.Api.PostAsync<InstanceInfo>($"/v1/instances/{ApiClient.Segment(p.GetValue(id)!)}/{name}", null, c.Cancellation);
            c.Out.Print(info, i => $"Instance {i.Id} of {i.App} is {Lower(i.State)}\n");
        });
    }

    private static Command Remove()
    {
        var id = new Argument<string>("id") { Description = "Instance id" };
        return new Command("remove", "Deregister an instance").With(id).Runs(async (p, c) =>
        {
            await c.Api.DeleteAsync($"/v1/instances/{ApiClient.Segment(p.GetValue(id)!)}", c.Cancellation);
            c.Out.Print(new { removed = p.GetValue(id) }, _ => $"Instance {p.GetValue(id)} removed\n");
        });
    }

    private static ImmutableDictionary<string, string> ParseMetadata(string[] pairs)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0)
            {
                throw new MeshException("invalid_metadata", $"--metadata: '{pair}' is not key=value");
            }
            builder[pair[..eq]] = pair[(eq + 1)..];
        }
        return builder.ToImmutable();
    }

    private static string Lower<T>(T value) where T : Enum => value.ToString().ToLowerInvariant();
}
