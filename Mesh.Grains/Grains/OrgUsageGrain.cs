using Mesh.Domain.Quotas;
using Mesh.Interfaces;
using Microsoft.Extensions.Options;

namespace Mesh.Grains;

/// <summary>One org's count of instances and certificates; not reentrant, so a count and its take never interleave with another take.</summary>
internal sealed class OrgUsageGrain(
    [PersistentState("orgusage", MeshStorage.Name)] IPersistentState<OrgUsageState> state,
    IOptions<QuotaOptions> quotas) : Grain, IOrgUsageGrain
{
    private string Org => this.GetPrimaryKeyString();

    public async Task Take(QuotaKind kind, string key, string app)
    {
        var held = Of(kind);
        if (held.ContainsKey(key)) return;
        QuotaCheck.Check(quotas.Value, Org, kind, held.Count);
        held[key] = app;
        await state.WriteStateAsync();
    }

    public async Task Release(QuotaKind kind, string key)
    {
        if (Of(kind).Remove(key)) await state.WriteStateAsync();
    }

    public async Task ReleaseApp(string app)
    {
        var removed = 0;
        foreach (var held in state.State.Held.Values)
        {
            foreach (var key in held.Where(h => h.Value == app).Select(h => h.Key).ToList()) removed += held.Remove(key) ? 1 : 0;
        }
        if (removed > 0) await state.WriteStateAsync();
    }

    public Task<int> InUse(QuotaKind kind) => Task.FromResult(Of(kind).Count);

    private Dictionary<string, string> Of(QuotaKind kind)
    {
        if (!state.State.Held.TryGetValue(kind, out var held))
        {
            held = new Dictionary<string, string>(kind == QuotaKind.Certificates ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal);
            state.State.Held[kind] = held;
        }
        return held;
    }
}
