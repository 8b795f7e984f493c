using System.Security.Cryptography;
using Mesh.Grains;
using Mesh.Security;

namespace Mesh.Acme;

/// <inheritdoc cref="IAcmeAccountGrain"/>
internal sealed class AcmeAccountGrain(
    [PersistentState("acme-account", MeshStorage.Name)] IPersistentState<AcmeAccountState> state,
    TimeProvider time,
    SecretSealer sealer) : Grain, IAcmeAccountGrain
{
    private AcmeAccountState S => state.State;

    public async Task<AcmeAccount> GetOrCreate()
    {
        if (S.SealedKey is null)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            S.SealedKey = sealer.Seal(key.ExportPkcs8PrivateKeyPem());
            await state.WriteStateAsync();
        }
        return Account();
    }

    public async Task<AcmeAccount> SetRegistration(string directory, string accountUrl)
    {
        if (S.SealedKey is null) throw new InvalidOperationException("the ACME account has no key yet");
        if (S.Directory != directory || S.Url != accountUrl)
        {
            S.Directory = directory;
            S.Url = accountUrl;
            S.RegisteredAt = time.GetUtcNow();
            await state.WriteStateAsync();
        }
        return Account();
    }

    private AcmeAccount Account() => new(sealer.Unseal(S.SealedKey!), S.Directory, S.Url, S.RegisteredAt);
}
