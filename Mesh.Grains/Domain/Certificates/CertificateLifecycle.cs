namespace Mesh.Domain.Certificates;

/// <summary>
/// One hostname's lifecycle, as a value: <c>awaiting_dns → pending → ready</c>, and
/// <c>renewing</c> / <c>failed</c>. Each transition says when the next step is due, so the grain
/// around it only sleeps until <see cref="WakeAt"/> and does what <see cref="Due"/> says.
/// No order is ever due while ownership is not shown.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.CertificateLifecycle")]
public sealed record CertificateLifecycle(
    [property: Id(0)] string Status,
    [property: Id(1)] bool OwnershipVerified,
    [property: Id(2)] int Failures,
    [property: Id(3)] string? LastError,
    [property: Id(4)] DateTimeOffset? NextAttempt,
    [property: Id(5)] DateTimeOffset? RenewAt,
    [property: Id(6)] bool HasIssued)
{
    /// <summary>A hostname just added: verified at once (operator override), else its DNS is checked now.</summary>
    public static CertificateLifecycle Start(bool ownershipVerified, DateTimeOffset now) =>
        new(ownershipVerified ? CertificateStatus.Pending : CertificateStatus.AwaitingDns, ownershipVerified, 0, null, now, null, false);

    /// <summary>When the grain must wake next (null: nothing scheduled).</summary>
    public DateTimeOffset? WakeAt => Status == CertificateStatus.Ready ? RenewAt : NextAttempt;

    public LifecycleAction Due(DateTimeOffset now)
    {
        if (WakeAt is not { } at || at > now)
        {
            return LifecycleAction.None;
        }
        return OwnershipVerified ? LifecycleAction.Issue : LifecycleAction.CheckOwnership;
    }

    public CertificateLifecycle OwnershipChecked(bool verified, string? reason, DateTimeOffset now, CertificateLifecycleOptions options, double random)
    {
        if (verified)
        {
            return this with { Status = CertificateStatus.Pending, OwnershipVerified = true, Failures = 0, LastError = null, NextAttempt = now };
        }
        var failures = Failures + 1;
        return this with
        {
            Status = CertificateStatus.AwaitingDns,
            Failures = failures,
            LastError = reason,
            NextAttempt = now + Backoff.Delay(failures, options, random),
        };
    }

    /// <summary>A certificate is in place; renewal is due at two thirds of its lifetime (never, for an imported one: its owner renews it).</summary>
    public CertificateLifecycle Issued(DateTimeOffset notBefore, DateTimeOffset notAfter, bool renewable, double random) =>
        this with
        {
            Status = CertificateStatus.Ready,
            OwnershipVerified = true,
            Failures = 0,
            LastError = null,
            NextAttempt = null,
            RenewAt = renewable ? RenewalSchedule.RenewAt(notBefore, notAfter, random) : null,
            HasIssued = true,
        };

    /// <summary>Issuance failed: retried with backoff (never sooner than the CA's Retry-After); a certificate already issued keeps serving.</summary>
    public CertificateLifecycle IssueFailed(string error, TimeSpan? retryAfter, DateTimeOffset now, CertificateLifecycleOptions options, double random)
    {
        var failures = Failures + 1;
        return this with
        {
            Status = HasIssued ? CertificateStatus.Renewing : CertificateStatus.Failed,
            Failures = failures,
            LastError = error,
            NextAttempt = now + Backoff.Delay(failures, options, random, retryAfter),
        };
    }

    /// <summary>The user asked for the check now (<c>mesh certs check</c>): the next step is due at once.</summary>
    public CertificateLifecycle CheckRequested(DateTimeOffset now) =>
        Status == CertificateStatus.Ready ? this : this with { NextAttempt = now };

    /// <summary><c>mesh certs renew</c>: a new certificate now. Only once ownership is shown.</summary>
    public CertificateLifecycle RenewRequested(DateTimeOffset now)
    {
        if (!OwnershipVerified)
        {
            throw new MeshException("certificate_not_verified", $"ownership is not verified yet ({LastError ?? "awaiting DNS"}); run `mesh certs check` once DNS points at the app");
        }
        return this with { Status = HasIssued ? CertificateStatus.Renewing : CertificateStatus.Pending, Failures = 0, NextAttempt = now };
    }

    /// <summary>An issuance started: the status says so while it runs.</summary>
    public CertificateLifecycle Issuing() =>
        this with { Status = HasIssued ? CertificateStatus.Renewing : CertificateStatus.Pending };
}
