using System.Collections.Frozen;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>
/// The gateway's current view: the table (one volatile reference, swapped whole), region RTTs,
/// and when the control plane last answered. Shared by the sync loop (writer) and the data path.
/// </summary>
public sealed class GatewayState(TimeProvider time)
{
    private volatile GatewayTable _table = GatewayTable.Empty;
    private volatile FrozenDictionary<string, double> _rtt = FrozenDictionary<string, double>.Empty;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastSyncTicks;

    public GatewayTable Table => _table;

    /// <summary>Where the table in hand came from: <c>disk</c> (the last good table, before the cluster answered) or <c>cluster</c>.</summary>
    public string Source => _source;

    private volatile string _source = "cluster";

    public LoadBoard Loads { get; } = new();

    /// <summary>Completes when the first table has been loaded.</summary>
    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Raised after each table swap (the listener manager follows it).</summary>
    public event Action<GatewayTable>? TableChanged;

    public DateTimeOffset? LastSync => Interlocked.Read(ref _lastSyncTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    /// <summary>How long since the control plane last confirmed this table.</summary>
    public TimeSpan? Staleness => LastSync is { } last ? time.GetUtcNow() - last : null;

    public void Publish(GatewayTable table, string source = "cluster")
    {
        _source = source;
        _table = table;
        Loads.Prune(table.InstanceIds);
        TableChanged?.Invoke(table);
        _ready.TrySetResult();
    }

    /// <summary>
    /// Swaps in a table rebuilt from the same replica under new rules, unless another table was
    /// published meanwhile (that one is newer and was built under the new rules already).
    /// </summary>
    public bool TryRepublish(GatewayTable current, GatewayTable rebuilt)
    {
        if (!ReferenceEquals(Interlocked.CompareExchange(ref _table, rebuilt, current), current)) return false;
        Loads.Prune(rebuilt.InstanceIds);
        TableChanged?.Invoke(rebuilt);
        return true;
    }

    public void MarkSynced()
    {
        _source = "cluster";
        Interlocked.Exchange(ref _lastSyncTicks, time.GetUtcNow().UtcTicks);
    }

    /// <summary>Takes this region's RTT row (measured where gateways reported, else estimated) in <see cref="RttRanking"/> order.</summary>
    public void SetRtt(string ownRegion, IReadOnlyDictionary<string, RegionRtt> rtt) =>
        _rtt = RttRanking.Rank(ownRegion, rtt).ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>An app's instances for one connection or request, in the picker's order, with this gateway's loads and RTTs.</summary>
    public List<InstanceRoute> Candidates(PortRoute route, IEnumerable<InstanceRoute> instances, string region, long nowTicks, IReadOnlyList<string>? preferredRegions)
    {
        _rttTo ??= RttTo;
        return InstancePicker.Order(instances, region, _rttTo, new BoardLoads(Loads, route.Service.InternalPort, nowTicks),
            route.Service.Concurrency, preferredRegions);
    }

    /// <summary>The first of <see cref="Candidates"/>, found without ordering the rest (null when there is none).</summary>
    public InstanceRoute? FirstCandidate(PortRoute route, IEnumerable<InstanceRoute> instances, string region, long nowTicks, IReadOnlyList<string>? preferredRegions)
    {
        _rttTo ??= RttTo;
        return InstancePicker.First(instances, region, _rttTo, new BoardLoads(Loads, route.Service.InternalPort, nowTicks),
            route.Service.Concurrency, preferredRegions);
    }

    private Func<string, double>? _rttTo;

    private readonly struct BoardLoads(LoadBoard board, int port, long nowTicks) : InstancePicker.ILoads
    {
        public int InFlight(string instanceId) => board.InFlight(instanceId, port);

        public bool IsEjected(string instanceId) => board.IsEjected(instanceId, port, nowTicks);
    }

    /// <summary>How near a region is to this gateway's (a sort key, see <see cref="RttRanking"/>); unknown regions sort last.</summary>
    public double RttTo(string region) => _rtt.TryGetValue(region, out var ms) ? ms : double.MaxValue;
}
