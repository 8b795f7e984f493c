using Mesh.Interfaces.Model;

namespace Mesh.Domain.Ips;

/// <summary>
/// What addresses cost: IPv6 and the shared IPv4 are free, a dedicated IPv4 is billed monthly
/// ($2/mo, the price of the platform Mesh mirrors), prorated by the hours held in the month.
/// </summary>
public static class IpPricing
{
    public const decimal DedicatedV4MonthlyUsd = 2.00m;

    public static decimal MonthlyPrice(IpKind kind) => kind == IpKind.V4 ? DedicatedV4MonthlyUsd : 0m;

    /// <summary>flyctl's wording for the TYPE column of <c>ips list</c>.</summary>
    public static string Describe(IpKind kind) => kind switch
    {
        IpKind.V4 => "public ingress (dedicated, $2/mo)",
        IpKind.V6 => "public ingress (dedicated)",
        IpKind.SharedV4 => "public ingress (shared)",
        IpKind.PrivateV6 => "private ingress",
        _ => kind.ToString(),
    };

    /// <summary>The charge for one app in the month that starts at <paramref name="monthStart"/> (UTC).</summary>
    public static decimal MonthlyBill(IEnumerable<IpLedgerEntry> ledger, string app, DateTimeOffset monthStart, DateTimeOffset now)
    {
        var start = new DateTimeOffset(monthStart.Year, monthStart.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var end = start.AddMonths(1);
        var monthHours = (decimal)(end - start).TotalHours;
        decimal total = 0;
        foreach (var e in ledger.Where(e => e.App == app && e.Kind == IpKind.V4))
        {
            var from = e.AllocatedAt > start ? e.AllocatedAt : start;
            var until = e.ReleasedAt ?? now;
            if (until > end) until = end;
            if (until <= from) continue;
            total += DedicatedV4MonthlyUsd * (decimal)(until - from).TotalHours / monthHours;
        }
        return Math.Round(total, 2, MidpointRounding.AwayFromZero);
    }
}
