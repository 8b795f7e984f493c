using Mesh.Domain;
using Mesh.Security;

namespace Mesh.Tests.Security;

/// <summary>Secrets sealed with the data key: unreadable without it, tamper-evident, readable across key rotations.</summary>
public sealed class SecretSealerTests
{
    private const string Secret = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";

    [Fact]
    public void Sealed_values_name_the_key_hide_the_secret_and_unseal()
    {
        var sealer = new SecretSealer(DataKeyRing.New());
        var sealedValue = sealer.Seal(Secret);

        Assert.StartsWith($"sealed:v1:{sealer.Keys.CurrentId}:", sealedValue);
        Assert.DoesNotContain("PRIVATE KEY", sealedValue);
        Assert.DoesNotContain("MIGHAgEAMBMGByqGSM49", sealedValue);
        Assert.NotEqual(sealedValue, sealer.Seal(Secret));
        Assert.Equal(Secret, sealer.Unseal(sealedValue));
    }

    [Fact]
    public void A_tampered_value_does_not_unseal_and_the_error_names_no_secret()
    {
        var sealer = new SecretSealer(DataKeyRing.New());
        var sealedValue = sealer.Seal(Secret);
        var body = Convert.FromBase64String(sealedValue[(sealedValue.LastIndexOf(':') + 1)..]);
        body[20] ^= 1;
        var tampered = sealedValue[..(sealedValue.LastIndexOf(':') + 1)] + Convert.ToBase64String(body);

        var e = Assert.Throws<MeshException>(() => sealer.Unseal(tampered));
        Assert.Equal("secret_unseal_failed", e.Code);
        Assert.DoesNotContain("PRIVATE", e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal("secret_unseal_failed", Assert.Throws<MeshException>(() => sealer.Unseal(sealedValue[..30])).Code);
        Assert.Equal("secret_unseal_failed", Assert.Throws<MeshException>(() => sealer.Unseal("plain text")).Code);
    }

    [Fact]
    public void Another_clusters_key_does_not_unseal()
    {
        var sealedValue = new SecretSealer(DataKeyRing.New()).Seal(Secret);
        var e = Assert.Throws<MeshException>(() => new SecretSealer(DataKeyRing.New()).Unseal(sealedValue));
        Assert.Equal("secret_unseal_failed", e.Code);
    }

    [Fact]
    public void The_key_id_is_bound_to_the_ciphertext()
    {
        var ring = DataKeyRing.New();
        var rotated = ring.Rotate();
        var sealedValue = new SecretSealer(rotated).Seal(Secret);
        // Relabel the value with the old key's id: the old key must not be tried on it silently.
        var relabelled = sealedValue.Replace(rotated.CurrentId, ring.CurrentId);
        Assert.Equal("secret_unseal_failed", Assert.Throws<MeshException>(() => new SecretSealer(rotated).Unseal(relabelled)).Code);
    }

    [Fact]
    public void After_a_rotation_new_values_use_the_new_key_and_old_values_still_unseal()
    {
        var ring = DataKeyRing.New();
        var old = new SecretSealer(ring).Seal(Secret);
        var rotated = DataKeyRing.Parse(ring.Rotate().ToText());
        var sealer = new SecretSealer(rotated);

        Assert.Equal(Secret, sealer.Unseal(old));
        var fresh = sealer.Seal(Secret);
        Assert.Contains($":{rotated.CurrentId}:", fresh);
        Assert.NotEqual(ring.CurrentId, rotated.CurrentId);
        Assert.Equal(Secret, sealer.Unseal(fresh));
        // The ring without the new key cannot read what it sealed.
        Assert.Throws<MeshException>(() => new SecretSealer(ring).Unseal(fresh));
    }

    [Fact]
    public void The_key_file_is_one_key_a_line_with_the_current_first()
    {
        var ring = DataKeyRing.New().Rotate();
        var lines = ring.ToText().TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith(ring.CurrentId + " ", lines[0]);
        Assert.Equal(32, Convert.FromBase64String(lines[0].Split(' ')[1]).Length);
        Assert.Equal(ring.Ids, DataKeyRing.Parse(ring.ToText()).Ids);
        Assert.DoesNotContain(lines[0].Split(' ')[1], ring.ToString());
    }

    [Theory]
    [InlineData("", "no key")]
    [InlineData("k1\n", "line 1")]
    [InlineData("k1 not-base64!\n", "line 1: the key is not base64")]
    [InlineData("k1 AAAA\n", "line 1: the key is 3 bytes")]
    public void A_bad_key_file_is_one_line_naming_the_line(string text, string expected)
    {
        var e = Assert.Throws<MeshException>(() => DataKeyRing.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith("data.key", e.Message);
    }
}
