using System.Collections.Immutable;
using Mesh.Domain;
using Mesh.Domain.Regions;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

/// <summary>A region of the catalogue with its RTT row: measured values where gateways reported them, else estimates.</summary>
internal sealed class RegionGrain(
    [PersistentState("region", MeshStorage.Name)] IPersistentState<RegionState> state,
    TimeProvider time) : Grain, IRegionGrain
{
    private const double PersistThresholdMs = 1;
    private static readonly TimeSpan PersistInterval = TimeSpan.FromMinutes(5);

    private DateTimeOffset _lastWrite;

    private RegionDefinition Definition => RegionCatalog.Get(this.GetPrimaryKeyString());

    public Task<RegionInfo> GetInfo()
    {
        var self = Definition;
        var rtt = RegionCatalog.All
            .Where(r => r.Code != self.Code)
            .ToImmutableDictionary(
                r => r.Code,
                r => state.State.Measured.GetValueOrDefault(r.Code) ?? new RegionRtt(RttEstimator.EstimateMs(self, r), false, null));
        return Task.FromResult(new RegionInfo(self.Code, self.Name, self.Latitude, self.Longitude, rtt));
    }

    public async Task ReportRtt(string toRegion, double milliseconds)
    {
        var other = RegionCatalog.Get(toRegion);
        if (milliseconds is < 0 or > 60_000 || double.IsNaN(milliseconds))
        {
            throw new MeshException("invalid_rtt", $"RTT {milliseconds} ms to {toRegion} is out of range");
        }
        var now = time.GetUtcNow();
        var previous = state.State.Measured.GetValueOrDefault(other.Code);
        state.State.Measured[other.Code] = new RegionRtt(Math.Round(milliseconds, 2), true, now);
        // Every gateway reports every few seconds: store only a real change, or now and then to
        // refresh the timestamps; the value in memory (what GetInfo answers) is always the latest.
        if (previous is null || Math.Abs(previous.Milliseconds - milliseconds) >= PersistThresholdMs || now - _lastWrite >= PersistInterval)
        {
            await state.WriteStateAsync();
            _lastWrite = now;
        }
    }
}
