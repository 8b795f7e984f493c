using System.CommandLine;
using Mesh.Domain;
using Mesh.Domain.Ips;
using Mesh.Cli.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh deploy -a APP -c fly.toml</c>: sends the file as is; the platform parses and validates it.</summary>
internal static class DeployCommand
{
    public static Command Build()
    {
        var app = new Option<string?>("--app", "-a") { Description = "App name (default: the file's 'app')" };
        var config = new Option<string>("--config", "-c") { Description = "Path to fly.toml", DefaultValueFactory = _ => "fly.toml" };
        return new Command("deploy", "Deploy a fly.toml to an app").With(app, config).Runs(async (p, c) =>
        {
            var path = p.GetValue(config)!;
            if (!File.Exists(path))
            {
                throw new MeshException("config_not_found", $"config file '{path}' not found");
            }
            var text = await File.ReadAllTextAsync(path, c.Cancellation);
            var name = p.GetValue(app) ?? AppNameFrom(text)
                ?? throw new MeshException("app_required", "no app given: pass -a APP or set 'app' in the config");
            var result = await c.Api.PutTextAsync<DeployResult>($"/v1/apps/{ApiClient.Segment(name)}", text, "application/toml", c.Cancellation);
            c.Out.Print(result, r =>
            {
                var lines = new List<string>();
                lines.AddRange(r.Warnings.Select(w => $"WARNING {w}"));
                lines.Add($"Release v{r.Release} of {r.App} deployed with {r.Services.Length} service(s)");
                foreach (var s in r.Services)
                {
                    var ports = string.Join(", ", s.Ports.Select(pt => (pt.Port?.ToString() ?? $"{pt.FirstPort}-{pt.LastPort}") + (pt.Handlers.Length > 0 ? $" [{string.Join(",", pt.Handlers)}]" : "")));
                    lines.Add($"  {s.Protocol} {ports} -> :{s.InternalPort}");
                }
                foreach (var ip in r.NewIps)
                {
                    lines.Add($"Allocated {IpPricing.Describe(ip.Kind)} address {ip.Address}");
                }
                return string.Join('\n', lines) + "\n";
            });
        });
    }

    /// <summary>The top-level <c>app = "…"</c> of a fly.toml, read without validating the rest.</summary>
    private static string? AppNameFrom(string text)
    {
        try
        {
            var table = Tomlyn.TomlSerializer.Deserialize<Tomlyn.Model.TomlTable>(text);
            return table is not null && table.TryGetValue("app", out var v) && v is string s && s.Length > 0 ? s : null;
        }
        catch (Tomlyn.TomlException)
        {
            return null;
        }
    }
}
