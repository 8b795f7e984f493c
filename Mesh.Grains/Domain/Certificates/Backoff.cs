namespace Mesh.Domain.Certificates;

/// <summary>Retry delays: doubling from the first step to the cap, with ±20% jitter so many hostnames do not retry in step.</summary>
public static class Backoff
{
    /// <param name="failures">Failures so far (1 for the first retry).</param>
    /// <param name="random">A number in [0, 1).</param>
    /// <param name="retryAfter">The server's Retry-After: never retry sooner.</param>
    public static TimeSpan Delay(int failures, CertificateLifecycleOptions options, double random, TimeSpan? retryAfter = null)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var ticks = Math.Min(options.MaxRetry.Ticks, options.FirstRetry.Ticks * Math.Pow(2, exponent));
        var delay = TimeSpan.FromTicks((long)(ticks * (0.8 + 0.4 * random)));
        return retryAfter is { } floor && floor > delay ? floor : delay;
    }
}
