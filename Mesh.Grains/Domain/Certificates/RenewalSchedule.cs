namespace Mesh.Domain.Certificates;

/// <summary>When to renew: at two thirds of the lifetime, moved earlier by up to a thirtieth of it so renewals spread out.</summary>
public static class RenewalSchedule
{
    /// <param name="random">A number in [0, 1).</param>
    public static DateTimeOffset RenewAt(DateTimeOffset notBefore, DateTimeOffset notAfter, double random)
    {
        var lifetime = notAfter - notBefore;
        return notBefore + lifetime * 2 / 3 - lifetime / 30 * random;
    }
}
