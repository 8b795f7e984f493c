using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Health;

/// <summary>
/// Turns check results into the health to report for each instance this gateway checks.
/// <list type="bullet">
/// <item>An instance is critical while the latest counted result of any of its checks is a
/// failure, and passing once every one of its checks has a passing latest result; until then it
/// keeps the health the table gives it.</item>
/// <item>Failures within a check's grace period, counted from when this gateway first saw the
/// instance started (it appears in <see cref="Track"/>), are not counted: an app may take a while
/// to listen. A stop and start begins a new grace period.</item>
/// <item>A report is due when the verdict differs from what the table says: a gateway that
/// restarts corrects a stale value with its first verdict, and once the table agrees nothing is
/// sent. The table lags a report by a round trip, so a verdict just sent is not sent again for
/// <see cref="ReportHold"/>; if the table still disagrees after that, it is sent again (a lost
/// delta, or an update that crossed it, cannot leave an instance stuck).</item>
/// </list>
/// Several gateways in a region check the same instances and report the same verdicts; the grain
/// ignores a value it already has, so agreeing gateways cause one change. (Gateways that
/// disagree, one of them cut off from the instance, take turns, each at most once per check
/// interval and <see cref="ReportHold"/>; the data path's passive ejection covers the gateway
/// that cannot connect.) Results arrive from
/// many check loops at once: every method takes one lock; nothing in here waits.
/// </summary>
public sealed class InstanceHealthTracker(TimeProvider time)
{
    /// <summary>How long a sent verdict is taken to be on its way to the table.</summary>
    public static readonly TimeSpan ReportHold = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, TrackedInstance> _instances = new(StringComparer.Ordinal);

    /// <summary>Follows the checks planned from a new table: instances and checks no longer planned are forgotten.</summary>
    public void Track(IEnumerable<HealthCheckTarget> targets)
    {
        var byInstance = targets.GroupBy(t => t.InstanceId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(t => t.Key, StringComparer.Ordinal), StringComparer.Ordinal);
        lock (_gate)
        {
            foreach (var id in _instances.Keys.Where(id => !byInstance.ContainsKey(id)).ToList())
            {
                _instances.Remove(id);
            }
            foreach (var (id, checks) in byInstance)
            {
                if (!_instances.TryGetValue(id, out var instance))
                {
                    _instances[id] = instance = new TrackedInstance(time.GetUtcNow());
                }
                instance.Checks = checks;
                foreach (var key in instance.Latest.Keys.Where(k => !checks.ContainsKey(k)).ToList())
                {
                    instance.Latest.Remove(key);
                }
            }
        }
    }

    /// <summary>
    /// Records one result. Returns the report to send when the instance's health should change
    /// from <paramref name="tableHealth"/> (what the gateway's table says now); null otherwise.
    /// The caller sends it and calls <see cref="ReportFailed"/> if that fails.
    /// </summary>
    public HealthReport? Record(HealthCheckTarget target, HealthCheckResult result, InstanceHealth tableHealth)
    {
        lock (_gate)
        {
            // A result of a check that is no longer planned (its loop was being cancelled) says nothing.
            if (!_instances.TryGetValue(target.InstanceId, out var instance) || !instance.Checks.TryGetValue(target.Key, out var current)) return null;
            var now = time.GetUtcNow();
            var inGrace = now - instance.FirstSeen < current.GracePeriod;
            if (result.Passed || !inGrace)
            {
                instance.Latest[target.Key] = (current, result);
            }
            var verdict = Verdict(instance, target.Key);
            if (verdict is null) return null;
            var (health, check, reason) = verdict.Value;
            if (health == tableHealth || (instance.Sent == health && now - instance.SentAt < ReportHold)) return null;
            instance.Sent = health;
            instance.SentAt = now;
            return new HealthReport(target.InstanceId, target.App, health, check.Name, reason);
        }
    }

    /// <summary>The report could not be delivered: the next result tries again, without waiting out the hold.</summary>
    public void ReportFailed(HealthReport report)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(report.InstanceId, out var instance) && instance.Sent == report.Health)
            {
                instance.Sent = null;
            }
        }
    }

    /// <summary>Critical when any latest result fails (the check just run, if it failed, is the reason), passing when all checks pass, else none.</summary>
    private static (InstanceHealth Health, HealthCheckTarget Check, string Reason)? Verdict(TrackedInstance instance, string justRun)
    {
        instance.Latest.TryGetValue(justRun, out var last);
        if (last.Result is { Passed: false }) return (InstanceHealth.Critical, last.Check, last.Result.Reason);
        foreach (var (check, result) in instance.Latest.Values.OrderBy(r => r.Check.Key, StringComparer.Ordinal))
        {
            if (!result.Passed) return (InstanceHealth.Critical, check, result.Reason);
        }
        if (instance.Latest.Count < instance.Checks.Count || last.Result is null) return null;
        return (InstanceHealth.Passing, last.Check, last.Result.Reason);
    }

    private sealed class TrackedInstance(DateTimeOffset firstSeen)
    {
        public DateTimeOffset FirstSeen { get; } = firstSeen;

        /// <summary>The instance's planned checks by key (the newest settings).</summary>
        public Dictionary<string, HealthCheckTarget> Checks { get; set; } = new(StringComparer.Ordinal);

        /// <summary>The latest counted result of each check that has one.</summary>
        public Dictionary<string, (HealthCheckTarget Check, HealthCheckResult Result)> Latest { get; } = new(StringComparer.Ordinal);

        /// <summary>The verdict this gateway last sent (or is sending), and when.</summary>
        public InstanceHealth? Sent { get; set; }

        public DateTimeOffset SentAt { get; set; }
    }
}
