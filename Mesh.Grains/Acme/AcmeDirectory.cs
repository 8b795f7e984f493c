namespace Mesh.Acme;

/// <summary>The endpoints a CA's directory lists (RFC 8555 §7.1.1); <see cref="RenewalInfo"/> only where the CA offers ARI.</summary>
internal sealed record AcmeDirectory(string NewNonce, string NewAccount, string NewOrder, string? RenewalInfo)
{
    public static AcmeDirectory Parse(string body)
    {
        const string what = "directory";
        var root = AcmeJson.Parse(body, what);
        return new AcmeDirectory(
            AcmeJson.Required(root, "newNonce", what),
            AcmeJson.Required(root, "newAccount", what),
            AcmeJson.Required(root, "newOrder", what),
            AcmeJson.Optional(root, "renewalInfo"));
    }
}
