using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;
using Microsoft.Extensions.Configuration;

namespace Mesh.Acme;

/// <summary>
/// The cluster's ACME CA (config section <c>Mesh:Acme</c>). Without <see cref="Directory"/>
/// nothing is ordered: hostnames keep self-signed or imported certificates.
/// </summary>
public sealed class AcmeOptions
{
    public const string Section = "Mesh:Acme";

    /// <summary>The ACME directory URL (https).</summary>
    public string? Directory { get; set; }

    /// <summary>The account's contact address (sent as <c>mailto:</c>); optional.</summary>
    public string? Email { get; set; }

    /// <summary>A PEM file of extra roots trusted for the ACME server's own TLS (a test CA).</summary>
    public string? TrustedRoots { get; set; }

    /// <summary>host:port of the DNS resolver ownership checks use; the system's when unset.</summary>
    public string? Resolver { get; set; }

    /// <summary>The domain apps get a CNAME target under (<c>APP.&lt;AppDomain&gt;</c>); unset means A/AAAA records only.</summary>
    public string? AppDomain { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Directory);

    /// <summary>The section, checked: a bad value throws <c>config_invalid</c> naming its key.</summary>
    public static AcmeOptions From(IConfiguration configuration)
    {
        var options = new AcmeOptions();
        configuration.GetSection(Section).Bind(options);
        options.Validate();
        return options;
    }

    public void Validate()
    {
        if (!string.IsNullOrWhiteSpace(Directory)
            && (!Uri.TryCreate(Directory, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Invalid("Directory", $"'{Directory}' is not an https URL (RFC 8555 requires TLS)");
        }
        if (!string.IsNullOrWhiteSpace(Email) && (Email.Contains(' ') || Email.IndexOf('@') is <= 0 || Email.EndsWith('@')))
        {
            throw Invalid("Email", $"'{Email}' is not an email address");
        }
        if (!string.IsNullOrWhiteSpace(TrustedRoots)) LoadTrustedRoots();
    }

    /// <summary>The extra roots; empty when none are configured.</summary>
    public X509Certificate2Collection LoadTrustedRoots()
    {
        var roots = new X509Certificate2Collection();
        if (string.IsNullOrWhiteSpace(TrustedRoots)) return roots;
        try
        {
            roots.ImportFromPemFile(TrustedRoots);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw Invalid("TrustedRoots", $"cannot read '{TrustedRoots}': {e.Message}");
        }
        if (roots.Count == 0) throw Invalid("TrustedRoots", $"'{TrustedRoots}' holds no PEM certificate");
        return roots;
    }

    private static MeshException Invalid(string key, string why) => new("config_invalid", $"{Section}:{key}: {why}");
}
