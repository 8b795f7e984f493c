using Mesh.Domain;
using Mesh.Domain.Certificates;

namespace Mesh.Tests.Domain;

public sealed class CertificateLifecycleTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CertificateLifecycleOptions Options = new() { FirstRetry = TimeSpan.FromSeconds(1), MaxRetry = TimeSpan.FromSeconds(60) };

    [Fact]
    public void An_unverified_hostname_checks_dns_and_never_issues_until_dns_points_at_the_app()
    {
        var l = CertificateLifecycle.Start(ownershipVerified: false, T0);
        Assert.Equal(CertificateStatus.AwaitingDns, l.Status);
        Assert.Equal(LifecycleAction.CheckOwnership, l.Due(T0));

        var now = T0;
        for (var i = 0; i < 10; i++)
        {
            l = l.OwnershipChecked(false, "x.example.com resolves to 10.9.9.9", now, Options, 0.5);
            Assert.Equal(CertificateStatus.AwaitingDns, l.Status);
            Assert.Equal(LifecycleAction.None, l.Due(now));
            now = l.NextAttempt!.Value;
            Assert.Equal(LifecycleAction.CheckOwnership, l.Due(now));
        }
        Assert.Equal("x.example.com resolves to 10.9.9.9", l.LastError);

        l = l.OwnershipChecked(true, null, now, Options, 0.5);
        Assert.Equal(CertificateStatus.Pending, l.Status);
        Assert.Null(l.LastError);
        Assert.Equal(LifecycleAction.Issue, l.Due(now));
    }

    [Fact]
    public void Dns_retries_back_off_from_the_first_step_to_the_cap()
    {
        var l = CertificateLifecycle.Start(false, T0);
        var delays = new List<TimeSpan>();
        var now = T0;
        for (var i = 0; i < 9; i++)
        {
            l = l.OwnershipChecked(false, "no record", now, Options, 0.5);
            delays.Add(l.NextAttempt!.Value - now);
            now = l.NextAttempt.Value;
        }
        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60, 60], delays.Select(d => d.TotalSeconds));
    }

    [Fact]
    public void Backoff_jitter_stays_within_a_fifth_and_honours_retry_after()
    {
        Assert.Equal(TimeSpan.FromSeconds(6.4), Backoff.Delay(4, Options, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(9.6), Backoff.Delay(4, Options, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Delay(1, Options, 0.5, retryAfter: TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public void Issued_certificate_is_ready_and_renews_at_two_thirds_of_its_lifetime_with_jitter()
    {
        var l = CertificateLifecycle.Start(true, T0);
        Assert.Equal(LifecycleAction.Issue, l.Due(T0));
        var notAfter = T0.AddDays(90);
        l = l.Issuing().Issued(T0, notAfter, renewable: true, random: 0.0);
        Assert.Equal(CertificateStatus.Ready, l.Status);
        Assert.Null(l.NextAttempt);
        Assert.Equal(T0.AddDays(60), l.RenewAt);
        Assert.Equal(LifecycleAction.None, l.Due(T0.AddDays(59)));
        Assert.Equal(LifecycleAction.Issue, l.Due(T0.AddDays(60)));

        var jittered = l.Issued(T0, notAfter, renewable: true, random: 0.99);
        Assert.InRange(jittered.RenewAt!.Value, T0.AddDays(57), T0.AddDays(60));
        Assert.Null(l.Issued(T0, notAfter, renewable: false, random: 0.5).RenewAt);
    }

    [Fact]
    public void A_failed_renewal_keeps_the_certificate_and_retries_while_a_failed_first_issuance_says_failed()
    {
        var first = CertificateLifecycle.Start(true, T0).Issuing()
            .IssueFailed("connection refused", null, T0, Options, 0.5);
        Assert.Equal(CertificateStatus.Failed, first.Status);
        Assert.Equal("connection refused", first.LastError);
        Assert.Equal(T0.AddSeconds(1), first.NextAttempt);

        var ready = CertificateLifecycle.Start(true, T0).Issued(T0, T0.AddDays(90), true, 0.0);
        var renewing = ready.Issuing().IssueFailed("rate limited", TimeSpan.FromMinutes(5), T0.AddDays(60), Options, 0.5);
        Assert.Equal(CertificateStatus.Renewing, renewing.Status);
        Assert.True(renewing.HasIssued);
        Assert.Equal(T0.AddDays(60).AddMinutes(5), renewing.NextAttempt);
        Assert.Equal(LifecycleAction.Issue, renewing.Due(renewing.NextAttempt!.Value));
    }

    [Fact]
    public void Renewal_is_forced_only_once_ownership_is_shown_and_check_runs_at_once()
    {
        var waiting = CertificateLifecycle.Start(false, T0).OwnershipChecked(false, "no record", T0, Options, 0.5);
        var e = Assert.Throws<MeshException>(() => waiting.RenewRequested(T0));
        Assert.Equal("certificate_not_verified", e.Code);
        Assert.Equal(LifecycleAction.CheckOwnership, waiting.CheckRequested(T0).Due(T0));

        var ready = CertificateLifecycle.Start(true, T0).Issued(T0, T0.AddDays(90), true, 0.0);
        var forced = ready.RenewRequested(T0.AddDays(1));
        Assert.Equal(CertificateStatus.Renewing, forced.Status);
        Assert.Equal(LifecycleAction.Issue, forced.Due(T0.AddDays(1)));
    }
}
