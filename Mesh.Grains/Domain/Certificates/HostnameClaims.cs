namespace Mesh.Domain.Certificates;

/// <summary>
/// The cross-org rule for hostnames: a name held by another app is taken, and a name covered by
/// (or covering) another org's verified hostname — a wildcard covers one label — is refused, so no
/// tenant can put a wildcard over another's names or a name under another's verified wildcard.
/// </summary>
public static class HostnameClaims
{
    /// <summary>Why <paramref name="app"/> of <paramref name="org"/> may not claim <paramref name="hostname"/>, or null.</summary>
    public static string? Conflict(IReadOnlyDictionary<string, HostnameClaim> claims, string hostname, string app, string org)
    {
        foreach (var (name, claim) in claims)
        {
            if (claim.App == app)
            {
                continue;
            }
            if (string.Equals(name, hostname, StringComparison.OrdinalIgnoreCase))
            {
                return $"hostname {hostname} is already used by another app";
            }
            if (claim.Org != org && claim.Verified)
            {
                if (Hostnames.Covers(name, hostname))
                {
                    return $"hostname {hostname} is covered by {name}, which another organization has verified";
                }
                if (Hostnames.Covers(hostname, name))
                {
                    return $"hostname {hostname} would cover {name}, which another organization has verified";
                }
            }
        }
        return null;
    }
}
