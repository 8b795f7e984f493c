using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Mesh.Gateway.Dns;

/// <summary>Everything one org sees under <c>.internal</c>: its apps and nothing of any other org.</summary>
public sealed class OrgZone
{
    private readonly FrozenDictionary<string, AppZone> _apps;

    private OrgZone(string name, FrozenDictionary<string, AppZone> apps, string appsText, ImmutableArray<string> instanceTexts)
    {
        Name = name;
        _apps = apps;
        AppsText = appsText;
        InstanceTexts = instanceTexts;
    }

    public string Name { get; }

    /// <summary>Comma-separated app names, sorted (<c>_apps.internal</c>).</summary>
    public string AppsText { get; }

    /// <summary>One <c>instance=ID,app=APP,ip=IP,region=REGION</c> per started instance, by id (<c>_instances.internal</c>).</summary>
    public ImmutableArray<string> InstanceTexts { get; }

    public static OrgZone Build(string name, IEnumerable<AppZone> apps)
    {
        var byName = new Dictionary<string, AppZone>(StringComparer.OrdinalIgnoreCase);
        foreach (var app in apps.OrderBy(a => a.Name, StringComparer.Ordinal))
        {
            // DNS names are case-insensitive: of two apps differing only in case, the first answers.
            byName.TryAdd(app.Name, app);
        }
        var instanceTexts = byName.Values
            .SelectMany(a => a.Started)
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .Select(i => $"instance={i.Id},app={i.App},ip={i.Address},region={i.Region}")
            .ToImmutableArray();
        return new OrgZone(
            name,
            byName.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase),
            string.Join(",", byName.Keys.Order(StringComparer.Ordinal)),
            instanceTexts);
    }

    public AppZone? App(string name) => _apps.GetValueOrDefault(name);
}
