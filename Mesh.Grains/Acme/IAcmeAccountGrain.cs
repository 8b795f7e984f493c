namespace Mesh.Acme;

/// <summary>
/// The cluster's one ACME account (key "global"). The key is made once and stored sealed with
/// the cluster data key; since newAccount with a key that already has an account returns that
/// account (RFC 8555 §7.3.1), two silos registering at once still end up with one account.
/// </summary>
[Alias("mesh.IAcmeAccountGrain")]
public interface IAcmeAccountGrain : IGrainWithStringKey
{
    public const string Global = "global";

    /// <summary>The account, its key made and stored on the first call.</summary>
    [Alias("GetOrCreate")] Task<AcmeAccount> GetOrCreate();

    /// <summary>Records the account URL the CA at <paramref name="directory"/> gave the key.</summary>
    [Alias("SetRegistration")] Task<AcmeAccount> SetRegistration(string directory, string accountUrl);
}
