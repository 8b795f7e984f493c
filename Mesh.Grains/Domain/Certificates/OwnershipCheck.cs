using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Domain.Certificates;

/// <summary>
/// Whether DNS shows that a hostname is the app's: a CNAME to <c>APP.&lt;AppDomain&gt;</c> (when
/// the operator set one), or A/AAAA answers that are all among the app's addresses. A wildcard is
/// looked up as written (<c>*.example.com</c>): a DNS wildcard record answers that name too.
/// </summary>
public static class OwnershipCheck
{
    public static (bool Verified, string? Reason) Evaluate(string hostname, CertificateTarget target, string? appDomain, DnsObservation seen)
    {
        if (CnameTarget(target.App, appDomain) is { } cname && seen.Cnames.Any(c => Same(c, cname)))
        {
            return (true, null);
        }
        var addresses = seen.A.Concat(seen.Aaaa).ToList();
        if (addresses.Count == 0)
        {
            var why = seen.Error is { } error ? $"DNS lookup of {hostname} failed ({error})" : $"{hostname} has no A or AAAA record";
            return (false, $"{why}; expected {Describe(Expected(hostname, target, appDomain))}");
        }
        var ours = target.V4.Concat(target.V6).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var foreign = addresses.Where(a => !ours.Contains(a)).ToList();
        if (foreign.Count > 0)
        {
            return (false, $"{hostname} resolves to {string.Join(", ", foreign)}, not to app {target.App}; expected {Describe(Expected(hostname, target, appDomain))}");
        }
        return (true, null);
    }

    /// <summary>The records to create, as flyctl prints them: A to the app's IPv4 (dedicated, else shared) and AAAA to its IPv6, or a CNAME when an app domain is set.</summary>
    public static ImmutableArray<DnsRecord> Expected(string hostname, CertificateTarget target, string? appDomain)
    {
        if (CnameTarget(target.App, appDomain) is { } cname && !hostname.StartsWith("*.", StringComparison.Ordinal))
        {
            return [new DnsRecord("CNAME", hostname, cname)];
        }
        return [.. target.V4.Take(1).Select(a => new DnsRecord("A", hostname, a)), .. target.V6.Take(1).Select(a => new DnsRecord("AAAA", hostname, a))];
    }

    public static string Describe(ImmutableArray<DnsRecord> records) =>
        records.IsEmpty ? "an address for the app (it has none: deploy a public service first)" : string.Join(" and ", records.Select(r => $"{r.Type} {r.Value}"));

    private static string? CnameTarget(string app, string? appDomain) =>
        appDomain is { Length: > 0 } domain ? $"{app}.{domain.Trim('.').ToLowerInvariant()}" : null;

    private static bool Same(string a, string b) => string.Equals(a.TrimEnd('.'), b.TrimEnd('.'), StringComparison.OrdinalIgnoreCase);
}
