namespace Mesh.Acme;

/// <summary>
/// The cluster's ACME account: its key (PEM, unsealed for the caller) and, once registered,
/// the CA directory it was registered with and its account URL there.
/// </summary>
[GenerateSerializer, Immutable, Alias("mesh.AcmeAccount")]
public sealed record AcmeAccount(
    [property: Id(0)] string KeyPem,
    [property: Id(1)] string? Directory,
    [property: Id(2)] string? Url,
    [property: Id(3)] DateTimeOffset? RegisteredAt)
{
    /// <summary>The account URL at this CA, or null when the account must (still) be registered there.</summary>
    public string? UrlAt(string directory) => Url is not null && Directory == directory ? Url : null;
}
