using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

internal sealed class OrgRegistryGrain(
    [PersistentState("orgs", MeshStorage.Name)] IPersistentState<OrgRegistryState> state,
    TimeProvider time) : Grain, IOrgRegistryGrain
{
    public async Task<OrgInfo> Create(string name)
    {
        AppNames.Validate(name, "org name");
        if (Find(name) is not null)
        {
            throw new MeshException("org_exists", $"org '{name}' already exists");
        }
        return await AddAsync(name);
    }

    public async Task<OrgInfo> Ensure(string name)
    {
        AppNames.Validate(name, "org name");
        return Find(name) ?? await AddAsync(name);
    }

    public Task<OrgInfo?> Get(string name) => Task.FromResult(Find(name));

    public Task<ImmutableArray<OrgInfo>> List()
    {
        var orgs = state.State.Orgs.Values.ToList();
        if (!state.State.Orgs.ContainsKey(AppNames.DefaultOrg)) orgs.Add(Personal());
        return Task.FromResult(orgs.OrderBy(o => o.Name, StringComparer.Ordinal).ToImmutableArray());
    }

    private OrgInfo? Find(string name) =>
        state.State.Orgs.GetValueOrDefault(name) ?? (name == AppNames.DefaultOrg ? Personal() : null);

    // The default org exists without being created; it shows as old as the registry itself.
    private OrgInfo Personal() => new(AppNames.DefaultOrg, DateTimeOffset.UnixEpoch);

    private async Task<OrgInfo> AddAsync(string name)
    {
        var org = new OrgInfo(name, time.GetUtcNow());
        state.State.Orgs[name] = org;
        await state.WriteStateAsync();
        return org;
    }
}
