using System.Net;
using Mesh.Domain;
using Mesh.Domain.Apps;
using Mesh.Domain.Egress;
using Mesh.Domain.Regions;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

/// <summary>
/// One instance. Changes it starts (start, stop, health, remove) are reported to its app grain,
/// which publishes them; calls from the app grain (register, deregister) never call back, so the
/// two never wait on each other.
/// </summary>
internal sealed class InstanceGrain(
    [PersistentState("instance", MeshStorage.Name)] IPersistentState<InstanceGrainState> state,
    InstanceAddressRules addressRules,
    EgressTable egress,
    TimeProvider time) : Grain, IInstanceGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<InstanceInfo> Register(string app, string org, InstanceRegistration registration)
    {
        var region = RegionCatalog.Get(registration.Region).Code;
        ValidateAddress(registration.Address);
        var policy = addressRules.For(await GrainFactory.GetGrain<IClusterInfoGrain>(0).NodeEndpoints());
        if (policy.Refusal(org, registration.Address) is { } refusal)
        {
            throw new MeshException("instance_address_refused", refusal);
        }
        var now = time.GetUtcNow();
        var privateIp = PrivateAddresses.For(org, region, Id).ToString();
        // Recorded, not computed on read: the address the instance was given when it registered.
        var outbound = egress.Of(region);
        state.State.Info = new InstanceInfo(
            Id, app, org, region, registration.Address, InstanceState.Started, InstanceHealth.Passing,
            privateIp, outbound.V6?.ToString() ?? privateIp, registration.Metadata, now, now)
        {
            OutboundIpV4 = outbound.V4?.ToString(),
        };
        await state.WriteStateAsync();
        return state.State.Info;
    }

    public async Task Deregister()
    {
        await state.ClearStateAsync();
        state.State = new InstanceGrainState();
        DeactivateOnIdle();
    }

    public Task<InstanceInfo?> GetInfo() => Task.FromResult(state.State.Info);

    public Task<InstanceInfo> Start() => Change(i => i with { State = InstanceState.Started });

    public Task<InstanceInfo> Stop() => Change(i => i with { State = InstanceState.Stopped });

    public Task<InstanceInfo> SetHealth(InstanceHealth health) => Change(i => i with { Health = health });

    public async Task Remove()
    {
        var info = Existing();
        await state.ClearStateAsync();
        state.State = new InstanceGrainState();
        await GrainFactory.GetGrain<IAppGrain>(info.App).OnInstanceRemoved(Id);
        DeactivateOnIdle();
    }

    private async Task<InstanceInfo> Change(Func<InstanceInfo, InstanceInfo> change)
    {
        var before = Existing();
        var after = change(before) with { UpdatedAt = time.GetUtcNow() };
        if (after.State == before.State && after.Health == before.Health)
        {
            return before;
        }
        state.State.Info = after;
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IAppGrain>(after.App).OnInstanceChanged(after);
        return after;
    }

    private InstanceInfo Existing() => state.State.Info
        ?? throw new MeshException("instance_not_found", $"instance '{Id}' not found");

    /// <summary>An instance is reached at host:port on the private network; the host must be an IP address.</summary>
    private static void ValidateAddress(string address)
    {
        if (!IPEndPoint.TryParse(address, out var ep) || ep.Port == 0 || !address.Contains(':'))
        {
            throw new MeshException("invalid_address", $"instance address '{address}' is not HOST:PORT with an IP address (e.g. 127.0.0.1:8080 or [fdaa::2]:8080)");
        }
    }
}
