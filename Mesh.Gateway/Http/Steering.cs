using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Http;

namespace Mesh.Gateway.Http;

/// <summary>
/// A request's steering headers (fly-reference §1D): Fly-Prefer-Region (an ordered list with
/// aliases, falling back to the nearest), Fly-Force-Region (no fallback), Fly-Prefer-Instance-Id
/// (falls back, telling the app through Fly-Preferred-Instance-Unavailable) and
/// Fly-Force-Instance-Id (no fallback).
/// </summary>
public sealed record Steering(IReadOnlyList<string> Regions, IReadOnlyList<string>? ForcedRegions, string? PreferredInstance, string? ForcedInstance, string? PreferredInstanceUnavailable, string? Error)
{
    /// <summary>An instance the request must not go to (a <c>fly-replay: elsewhere=true</c> from it).</summary>
    public string? ExcludedInstance { get; init; }

    /// <summary>The steering a replay asks for: forced to its region or instance, or away from the instance that replayed.</summary>
    public static Steering ForReplay(ReplayDirective replay, string fromInstance) => new(
        replay.Region is null ? [] : RegionPreferences.Parse(replay.Region),
        replay.Region is null ? null : RegionPreferences.Parse(replay.Region),
        null,
        replay.Instance,
        null,
        null)
    {
        ExcludedInstance = replay.Elsewhere ? fromInstance : null,
    };

    /// <summary>No steering: most requests, which then allocate nothing here.</summary>
    public static Steering None { get; } = new([], null, null, null, null, null);

    public static Steering From(IHeaderDictionary headers, IReadOnlyList<InstanceRoute> instances)
    {
        if (!headers.ContainsKey(PlatformHeaders.ForceRegion) && !headers.ContainsKey(PlatformHeaders.PreferRegion)
            && !headers.ContainsKey(PlatformHeaders.ForceInstance) && !headers.ContainsKey(PlatformHeaders.PreferInstance))
        {
            return None;
        }
        var forceRegion = headers[PlatformHeaders.ForceRegion].ToString();
        var forced = string.IsNullOrWhiteSpace(forceRegion) ? null : RegionPreferences.Parse(forceRegion);
        var prefer = RegionPreferences.Parse(headers[PlatformHeaders.PreferRegion].ToString());
        var forceInstance = Clean(headers[PlatformHeaders.ForceInstance].ToString());
        var preferInstance = Clean(headers[PlatformHeaders.PreferInstance].ToString());
        string? error = null;
        string? unavailable = null;
        if (forceInstance is not null && !instances.Any(i => i.Id == forceInstance && i.IsRoutable))
        {
            error = $"instance {forceInstance} is not available";
        }
        else if (forced is not null && !instances.Any(i => i.IsRoutable && forced.Contains(i.Region)))
        {
            error = $"no healthy instance in {forceRegion}";
        }
        if (preferInstance is not null && !instances.Any(i => i.Id == preferInstance && i.IsRoutable))
        {
            unavailable = preferInstance;
            preferInstance = null;
        }
        return new Steering(forced ?? prefer, forced, preferInstance, forceInstance, unavailable, error);
    }

    public IEnumerable<InstanceRoute> Filter(IEnumerable<InstanceRoute> instances) =>
        ReferenceEquals(this, None) ? instances : instances.Where(i => (ForcedInstance is null || i.Id == ForcedInstance) && (ForcedRegions is null || ForcedRegions.Contains(i.Region)) && i.Id != ExcludedInstance);

    private static string? Clean(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
