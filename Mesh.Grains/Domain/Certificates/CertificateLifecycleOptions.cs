namespace Mesh.Domain.Certificates;

/// <summary>
/// <c>Mesh:Certificates</c>: how often a hostname's lifecycle retries. The first steps are short so
/// a user who just created the DNS record sees the certificate soon; they double up to
/// <see cref="MaxRetry"/> so a forgotten hostname costs nothing.
/// </summary>
public sealed class CertificateLifecycleOptions
{
    public const string Section = "Mesh:Certificates";

    public TimeSpan FirstRetry { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long to wait, at most, for every gateway to serve a published challenge before the CA is asked to validate it.</summary>
    public TimeSpan ChallengePropagation { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often every silo wakes every hostname's grain (so a lifecycle survives the loss of its silo).</summary>
    public TimeSpan WakeInterval { get; set; } = TimeSpan.FromMinutes(5);
}
