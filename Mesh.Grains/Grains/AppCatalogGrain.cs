using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Domain.Certificates;
using Mesh.Domain.Quotas;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Options;

namespace Mesh.Grains;

internal sealed class AppCatalogGrain(
    [PersistentState("catalog", MeshStorage.Name)] IPersistentState<AppCatalogState> state,
    IOptions<QuotaOptions> quotas) : Grain, IAppCatalogGrain
{
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (state.State.Hostnames.Count == 0)
        {
            return;
        }
        // Claims stored before ownership checks existed routed already: they stay verified.
        foreach (var (host, app) in state.State.Hostnames)
        {
            var org = state.State.Apps.TryGetValue(app, out var summary) ? summary.Org : "";
            state.State.Claims.TryAdd(host, new HostnameClaim(app, org, Verified: true));
        }
        state.State.Hostnames.Clear();
        await state.WriteStateAsync(cancellationToken);
    }

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
        foreach (var host in state.State.Claims.Where(h => h.Value.App == app).Select(h => h.Key).ToList())
        {
            removed |= state.State.Claims.Remove(host);
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

    public async Task ClaimHostname(string hostname, string app, string org, bool verified)
    {
        if (HostnameClaims.Conflict(state.State.Claims, hostname, app, org) is { } conflict)
        {
            throw new MeshException("hostname_taken", conflict);
        }
        var already = state.State.Claims.TryGetValue(hostname, out var held) && held.Verified;
        var claim = new HostnameClaim(app, org, verified || already);
        if (held == claim) return;
        state.State.Claims[hostname] = claim;
        await state.WriteStateAsync();
    }

    public async Task VerifyHostname(string hostname, string app)
    {
        if (!state.State.Claims.TryGetValue(hostname, out var held) || held.App != app)
        {
            throw new MeshException("certificate_not_found", $"app '{app}' holds no claim on {hostname}");
        }
        if (held.Verified) return;
        if (HostnameClaims.Conflict(state.State.Claims.Where(c => c.Value.Verified).ToDictionary(), hostname, app, held.Org) is { } conflict)
        {
            throw new MeshException("hostname_taken", conflict);
        }
        state.State.Claims[hostname] = held with { Verified = true };
        await state.WriteStateAsync();
    }

    public Task<ImmutableArray<string>> ListHostnames() =>
        Task.FromResult(state.State.Claims.Keys.Order(StringComparer.Ordinal).ToImmutableArray());

    public async Task ReleaseHostname(string hostname, string app)
    {
        if (state.State.Claims.TryGetValue(hostname, out var holder) && holder.App == app)
        {
            state.State.Claims.Remove(hostname);
            await state.WriteStateAsync();
        }
    }
}
