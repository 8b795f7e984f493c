using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Domain.Config;
using Mesh.Interfaces.Config;
using Xunit;

namespace Mesh.Tests.Config;

/// <summary>
/// The fly.toml compatibility corpus (../shared/corpus/fly-toml): 143 real configs Fly accepted.
/// Each must load without errors, derive exactly the manifest's <c>expected</c> services, and
/// warn about exactly the keys the manifest lists as unknown to flyctl.
/// </summary>
public sealed partial class CorpusTests
{
    private static readonly Lazy<string> CorpusDirectory = new(FindCorpus);
    private static readonly Lazy<Dictionary<string, JsonObject>> Manifest = new(LoadManifest);

    public static TheoryData<string> Files() => new(Manifest.Value.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_derives_the_expected_services(string file)
    {
        var result = FlyToml.Load(File.ReadAllText(Path.Combine(CorpusDirectory.Value, file)));

        var expected = Manifest.Value[file]["expected"];
        var actual = Project(result.Config);
        Assert.True(JsonNode.DeepEquals(expected, actual),
            $"{file}\nexpected: {expected?.ToJsonString()}\nactual:   {actual.ToJsonString()}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Load_warns_about_exactly_the_unknown_keys(string file)
    {
        var result = FlyToml.Load(File.ReadAllText(Path.Combine(CorpusDirectory.Value, file)));

        var expected = Manifest.Value[file]["unknown_keys"]!.AsArray().Select(k => k!.GetValue<string>()).ToHashSet();
        // Warnings index list entries (services[0].foo); the manifest does not (services.foo).
        var warned = result.Warnings
            .Select(w => UnknownKeyWarning().Match(w))
            .Where(m => m.Success)
            .Select(m => ListIndex().Replace(m.Groups[1].Value, ""))
            .ToHashSet();
        Assert.Equal(expected.Order(), warned.Order());
    }

    /// <summary>The manifest's shape: internal_port, protocol, processes when non-empty, ports.</summary>
    private static JsonArray Project(AppConfig config) =>
        [.. config.Services.Select(service =>
        {
            var json = new JsonObject { ["internal_port"] = service.InternalPort, ["protocol"] = service.Protocol };
            if (!service.Processes.IsEmpty) json["processes"] = new JsonArray([.. service.Processes.Select(p => (JsonNode)p)]);
            json["ports"] = new JsonArray([.. service.Ports.Select(ProjectPort)]);
            return (JsonNode)json;
        })];

    private static JsonNode ProjectPort(PortConfig port)
    {
        var json = new JsonObject();
        if (port.Port is { } single) json["port"] = single;
        if (port.StartPort is { } start) json["start_port"] = start;
        if (port.EndPort is { } end) json["end_port"] = end;
        json["handlers"] = new JsonArray([.. port.Handlers.Select(h => (JsonNode)h)]);
        json["force_https"] = port.ForceHttps;
        return json;
    }

    private static string FindCorpus()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus", "fly-toml"));
        }
        throw new DirectoryNotFoundException($"no Mesh.sln above {AppContext.BaseDirectory}");
    }

    private static Dictionary<string, JsonObject> LoadManifest()
    {
        var entries = JsonNode.Parse(File.ReadAllText(Path.Combine(CorpusDirectory.Value, "manifest.json")))!.AsArray();
        return entries.Select(e => e!.AsObject()).ToDictionary(e => e["file"]!.GetValue<string>());
    }

    [GeneratedRegex(@"^unknown key '([^']+)' ignored$")]
    private static partial Regex UnknownKeyWarning();

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex ListIndex();
}
