using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Domain.Quotas;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Mesh.Grains;

internal sealed class AppCatalogGrain(
    [PersistentState("catalog", MeshStorage.Name)] IPersistentState<AppCatalogState> state,
    IOptions<QuotaOptions> quotas) : Grain, IAppCatalogGrain
{
    public async Task Add(AppSummary app)
    {
        if (!state.State.Apps.ContainsKey(app.Name))
        {
            QuotaCheck.Check(quotas.Value, app.Org, QuotaKind.Apps, state.State.Apps.Values.Count(a => a.Org == app.Org));
        }
        state.State.Apps[app.Name] = app;
        await state.WriteStateAsync();
    }

    public async Task Remove(string app)
    {
        var removed = state.State.Apps.Remove(app);
        foreach (var host in state.State.Hostnames.Where(h => h.Value == app).Select(h => h.Key).ToList())
        {
            removed |= state.State.Hostnames.Remove(host);
        }
        if (removed)
        {
            await state.WriteStateAsync();
        }
    }

    public async Task<bool> RemoveIfUnchanged(AppSummary expected)
    {
        if (!state.State.Apps.TryGetValue(expected.Name, out var current) || current != expected)
        {
            return false;
        }
        await Remove(expected.Name);
        return true;
    }

    public Task<ImmutableArray<AppSummary>> List(string? org) => Task.FromResult(
        state.State.Apps.Values
            .Where(a => org is null || a.Org == org)
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToImmutableArray());

    public async Task ClaimHostname(string hostname, string app)
    {
        if (state.State.Hostnames.TryGetValue(hostname, out var holder))
        {
            if (holder == app) return;
            throw new MeshException("hostname_taken", $"hostname {hostname} is already used by another app");
        }
        state.State.Hostnames[hostname] = app;
        await state.WriteStateAsync();
    }

    public async Task ReleaseHostname(string hostname, string app)
    {
        if (state.State.Hostnames.TryGetValue(hostname, out var holder) && holder == app)
        {
            state.State.Hostnames.Remove(hostname);
            await state.WriteStateAsync();
        }
    }
}
