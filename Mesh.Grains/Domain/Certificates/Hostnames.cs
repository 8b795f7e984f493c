using System.Text.RegularExpressions;

namespace Mesh.Domain.Certificates;

/// <summary>Hostnames a certificate can be added for: DNS names, optionally with a leading <c>*.</c> wildcard.</summary>
public static partial class Hostnames
{
    [GeneratedRegex(@"^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex Pattern();

    public static string Normalize(string hostname)
    {
        var host = hostname.Trim().TrimEnd('.').ToLowerInvariant();
        if (host.Length is 0 or > 253 || !Pattern().IsMatch(host))
        {
            throw new MeshException("invalid_hostname", $"invalid hostname '{hostname}'");
        }
        return host;
    }

    /// <summary>Whether a certificate name (possibly <c>*.example.com</c>) covers a host; a wildcard covers one label (RFC 6125 §6.4.3).</summary>
    public static bool Covers(string certificateName, string host)
    {
        certificateName = certificateName.TrimEnd('.').ToLowerInvariant();
        host = host.TrimEnd('.').ToLowerInvariant();
        if (certificateName.StartsWith("*.", StringComparison.Ordinal))
        {
            var dot = host.IndexOf('.');
            return dot > 0 && host[(dot + 1)..] == certificateName[2..];
        }
        return certificateName == host;
    }
}
