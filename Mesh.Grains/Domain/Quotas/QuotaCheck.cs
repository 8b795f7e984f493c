namespace Mesh.Domain.Quotas;

/// <summary>The quota check: pure, so the grain that counts can call it between its count and its take without an await.</summary>
public static class QuotaCheck
{
    public static int LimitOf(QuotaOptions options, string org, QuotaKind kind) =>
        options.Orgs.GetValueOrDefault(org)?.Of(kind) ?? options.Default.Of(kind);

    /// <summary>Throws <c>quota_exceeded</c> when an org holding <paramref name="inUse"/> may not take <paramref name="adding"/> more.</summary>
    public static void Check(QuotaOptions options, string org, QuotaKind kind, int inUse, int adding = 1)
    {
        var limit = LimitOf(options, org, kind);
        if (inUse + adding > limit)
        {
            throw new MeshException("quota_exceeded", $"org '{org}' is at its quota of {limit} {Noun(kind, limit)} ({QuotaOptions.Section})");
        }
    }

    public static string Noun(QuotaKind kind, int count)
    {
        var one = count == 1;
        return kind switch
        {
            QuotaKind.DedicatedV4 => one ? "dedicated IPv4 address" : "dedicated IPv4 addresses",
            QuotaKind.Apps => one ? "app" : "apps",
            QuotaKind.Instances => one ? "instance" : "instances",
            _ => one ? "certificate" : "certificates",
        };
    }
}
