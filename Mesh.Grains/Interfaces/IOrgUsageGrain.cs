using Mesh.Domain.Quotas;

namespace Mesh.Interfaces;

/// <summary>
/// What one org (the key) holds of the things its quota limits that live in many grains:
/// instances (by id) and certificates (by hostname), each with the app holding it. Taking one
/// checks the quota; taking one already held is free.
/// </summary>
[Alias("mesh.IOrgUsageGrain")]
public interface IOrgUsageGrain : IGrainWithStringKey
{
    /// <summary>Counts <paramref name="key"/> for <paramref name="app"/>; fails with <c>quota_exceeded</c> at the org's quota.</summary>
    [Alias("Take")] Task Take(QuotaKind kind, string key, string app);
    [Alias("Release")] Task Release(QuotaKind kind, string key);
    /// <summary>Releases everything an app held (it was destroyed).</summary>
    [Alias("ReleaseApp")] Task ReleaseApp(string app);
    [Alias("InUse")] Task<int> InUse(QuotaKind kind);
}
