using System.Collections.Immutable;
using Mesh.Domain.Ips;
using Mesh.Domain.Quotas;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace Mesh.Grains;

/// <summary>
/// One activation per pool allocates for the whole cluster. Reentrant so that concurrent
/// allocations share state writes (<see cref="GroupCommit"/>); each call's check-and-take runs
/// without an await in between, so interleaving never hands out an address twice.
/// </summary>
[Reentrant]
internal sealed class IpPoolGrain : Grain, IIpPoolGrain
{
    private readonly IPersistentState<IpPoolState> _state;
    private readonly IpPoolOptions _options;
    private readonly IOptions<QuotaOptions> _quotas;
    private readonly TimeProvider _time;
    private readonly ILogger<IpPoolGrain> _logger;
    private readonly GroupCommit _commit;
    private IpAllocator _allocator = null!;

    public IpPoolGrain(
        [PersistentState("ippool", MeshStorage.Name)] IPersistentState<IpPoolState> state,
        IOptions<IpPoolOptions> options,
        IOptions<QuotaOptions> quotas,
        TimeProvider time,
        ILogger<IpPoolGrain> logger)
    {
        _state = state;
        _options = options.Value;
        _quotas = quotas;
        _time = time;
        _logger = logger;
        _commit = new GroupCommit(WriteAsync);
    }

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _allocator = new IpAllocator(_state.State, _options, _time);
        return Task.CompletedTask;
    }

    public async Task<IpAssignment> Allocate(string app, IpKind kind, string org)
    {
        // Count, check and take with no await in between: concurrent calls cannot both pass.
        if (kind == IpKind.V4) QuotaCheck.Check(_quotas.Value, org, QuotaKind.DedicatedV4, _allocator.DedicatedV4Of(org));
        _allocator.SetOrg(app, org);
        var assignment = _allocator.Allocate(app, kind);
        await _commit.Commit();
        return assignment;
    }

    public async Task<IpAssignment> AllocatePrivate(string app, string org, string network)
    {
        _allocator.SetOrg(app, org);
        var assignment = _allocator.AllocatePrivate(app, network);
        await _commit.Commit();
        return assignment;
    }

    public async Task Release(string app, string address)
    {
        _allocator.Release(app, address);
        await _commit.Commit();
    }

    public async Task ReleaseAll(string app)
    {
        if (_allocator.ReleaseAll(app).Count > 0)
        {
            await _commit.Commit();
        }
    }

    public Task<ImmutableArray<IpAssignment>> Held(string app) => Task.FromResult(_allocator.Held(app).ToImmutableArray());

    public Task<ImmutableArray<IpLedgerEntry>> Ledger(string? app) =>
        Task.FromResult(_state.State.Ledger.Where(e => app is null || e.App == app).ToImmutableArray());

    public Task<IpPoolUsage> Usage() => Task.FromResult(_allocator.Usage());

    private async Task WriteAsync()
    {
        try
        {
            await _state.WriteStateAsync();
        }
        catch (Exception e)
        {
            // The in-memory state now holds changes that are not durable: drop the activation
            // so the next call starts again from what storage has.
            _logger.LogError(e, "Writing the IP pool state failed; deactivating to reload it");
            DeactivateOnIdle();
            throw;
        }
    }
}
