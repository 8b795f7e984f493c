using Mesh.Gateway.Health;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Time.Testing;
using static Mesh.Tests.Health.HealthFixtures;

namespace Mesh.Tests.Health;

public sealed class InstanceHealthTrackerTests
{
    private static readonly HealthCheckResult Pass = HealthCheckResult.Pass("status 200");
    private static readonly HealthCheckResult Fail = HealthCheckResult.Fail("connection refused");

    private readonly FakeTimeProvider _time = new();

    private (InstanceHealthTracker Tracker, IReadOnlyList<HealthCheckTarget> Targets) Tracking(TimeSpan? grace = null, InstanceHealth health = InstanceHealth.Passing)
    {
        var table = Table(App("a", ServiceWith(8080, tcp: [TcpCheck(grace)], http: [HttpCheck(grace: grace)])), Instance("i1", "10.0.0.1:8080", health: health));
        var targets = HealthCheckPlanner.Plan(table, "ams");
        var tracker = new InstanceHealthTracker(_time);
        tracker.Track(targets);
        return (tracker, targets);
    }

    [Fact]
    public void Any_failing_check_makes_the_instance_critical_and_all_passing_brings_it_back()
    {
        var (tracker, checks) = Tracking();
        var (tcp, http) = (checks[0], checks[1]);

        Assert.Null(tracker.Record(tcp, Pass, InstanceHealth.Passing));
        var critical = tracker.Record(http, HealthCheckResult.Fail("status 500"), InstanceHealth.Passing);
        Assert.Equal(new HealthReport("i1", "a", InstanceHealth.Critical, "http 8080 GET /ok", "status 500"), critical);

        // The table now says critical; one check recovering is not enough while the other fails.
        Assert.Null(tracker.Record(tcp, Fail, InstanceHealth.Critical));
        Assert.Null(tracker.Record(http, Pass, InstanceHealth.Critical));
        var passing = tracker.Record(tcp, Pass, InstanceHealth.Critical);
        Assert.Equal(new HealthReport("i1", "a", InstanceHealth.Passing, "tcp 8080", "status 200"), passing);
    }

    [Fact]
    public void A_report_is_not_repeated_while_the_table_catches_up_or_after_it_has()
    {
        var (tracker, checks) = Tracking();

        Assert.NotNull(tracker.Record(checks[0], Fail, InstanceHealth.Passing));
        // The delta has not arrived yet: the same verdict is not sent again.
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Passing));
        Assert.Null(tracker.Record(checks[1], Fail, InstanceHealth.Passing));
        // It has arrived.
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Critical));
        Assert.Null(tracker.Record(checks[1], Fail, InstanceHealth.Critical));
    }

    [Fact]
    public void A_failed_report_is_sent_again_on_the_next_result()
    {
        var (tracker, checks) = Tracking();

        var report = tracker.Record(checks[0], Fail, InstanceHealth.Passing)!;
        tracker.ReportFailed(report);

        Assert.Equal(report, tracker.Record(checks[0], Fail, InstanceHealth.Passing));
    }

    [Fact]
    public void A_stale_value_in_the_table_is_corrected_by_a_fresh_gateway()
    {
        // The table says critical from before this gateway started; every check passes.
        var (tracker, checks) = Tracking(health: InstanceHealth.Critical);

        Assert.Null(tracker.Record(checks[0], Pass, InstanceHealth.Critical));
        Assert.Equal(InstanceHealth.Passing, tracker.Record(checks[1], Pass, InstanceHealth.Critical)?.Health);
    }

    [Fact]
    public void An_instance_without_a_verdict_keeps_the_health_it_has()
    {
        var (tracker, checks) = Tracking(health: InstanceHealth.Critical);

        // One of two checks passed: no verdict, so no report either way.
        Assert.Null(tracker.Record(checks[0], Pass, InstanceHealth.Critical));
    }

    [Fact]
    public void Failures_within_the_grace_period_do_not_count()
    {
        var (tracker, checks) = Tracking(grace: TimeSpan.FromSeconds(30));

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Passing));
        Assert.Null(tracker.Record(checks[1], Fail, InstanceHealth.Passing));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(InstanceHealth.Critical, tracker.Record(checks[0], Fail, InstanceHealth.Passing)?.Health);
    }

    [Fact]
    public void Passes_within_the_grace_period_count()
    {
        var (tracker, checks) = Tracking(grace: TimeSpan.FromSeconds(30), health: InstanceHealth.Critical);

        Assert.Null(tracker.Record(checks[0], Pass, InstanceHealth.Critical));
        Assert.Equal(InstanceHealth.Passing, tracker.Record(checks[1], Pass, InstanceHealth.Critical)?.Health);
    }

    [Fact]
    public void A_restarted_instance_gets_a_new_grace_period()
    {
        var (tracker, checks) = Tracking(grace: TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromMinutes(5));

        // Stopped (no longer planned), then started again.
        tracker.Track([]);
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Passing));
        tracker.Track(checks);
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Passing));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(InstanceHealth.Critical, tracker.Record(checks[0], Fail, InstanceHealth.Passing)?.Health);
    }

    [Fact]
    public void A_check_that_is_no_longer_planned_stops_counting()
    {
        var (tracker, checks) = Tracking();
        Assert.NotNull(tracker.Record(checks[1], Fail, InstanceHealth.Passing));

        // The app dropped its HTTP check: the TCP check alone decides.
        tracker.Track([checks[0]]);

        Assert.Null(tracker.Record(checks[1], Fail, InstanceHealth.Critical));
        Assert.Equal(InstanceHealth.Passing, tracker.Record(checks[0], Pass, InstanceHealth.Critical)?.Health);
    }

    [Fact]
    public void A_verdict_the_table_still_contradicts_after_the_hold_is_sent_again()
    {
        var (tracker, checks) = Tracking();
        var report = tracker.Record(checks[0], Fail, InstanceHealth.Passing);
        Assert.NotNull(report);

        // The delta was lost, or another report crossed it: the table still says passing.
        _time.Advance(InstanceHealthTracker.ReportHold - TimeSpan.FromSeconds(1));
        Assert.Null(tracker.Record(checks[0], Fail, InstanceHealth.Passing));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(report, tracker.Record(checks[0], Fail, InstanceHealth.Passing));
    }

    [Fact]
    public void A_recovery_while_a_report_travels_is_reported_once_the_table_shows_it()
    {
        var (tracker, checks) = Tracking();
        Assert.NotNull(tracker.Record(checks[0], Fail, InstanceHealth.Passing));

        // Passing again before the critical delta arrived: nothing to send yet …
        Assert.Null(tracker.Record(checks[0], Pass, InstanceHealth.Passing));
        Assert.Null(tracker.Record(checks[1], Pass, InstanceHealth.Passing));
        // … and once the table says critical, the recovery is sent.
        Assert.Equal(InstanceHealth.Passing, tracker.Record(checks[1], Pass, InstanceHealth.Critical)?.Health);
    }
}
