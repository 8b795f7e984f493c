using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Acme;

namespace Mesh.Tests.Acme;

/// <summary>The signed ACME request body (RFC 8555 §6.2, RFC 7515 flattened JSON, ES256) and the key thumbprint (RFC 7638).</summary>
public class AcmeJwsTests
{
    [Fact]
    public void A_new_account_request_names_its_key_by_jwk_and_verifies_with_that_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = Parse(AcmeJws.Sign(key, "https://ca.test/new-account", "nonce-1", kid: null, new JsonObject { ["termsOfServiceAgreed"] = true }));

        var header = jws.Header;
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("nonce-1", header["nonce"]!.GetValue<string>());
        Assert.Equal("https://ca.test/new-account", header["url"]!.GetValue<string>());
        Assert.Null(header["kid"]);
        var jwk = header["jwk"]!.AsObject();
        Assert.Equal(["crv", "kty", "x", "y"], jwk.Select(m => m.Key));

        // Verified with the public key rebuilt from the JWK alone, as the CA does.
        using var fromJwk = ECDsa.Create(new ECParameters
        {
            Curve = ECCurve.NamedCurves.nistP256,
            Q = new ECPoint { X = Base64Url.Decode(jwk["x"]!.GetValue<string>()), Y = Base64Url.Decode(jwk["y"]!.GetValue<string>()) },
        });
        Assert.True(fromJwk.VerifyData(jws.SigningInput, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
        Assert.Equal(64, jws.Signature.Length);
        Assert.True(JsonNode.Parse(jws.Payload)!["termsOfServiceAgreed"]!.GetValue<bool>());
    }

    [Fact]
    public void Later_requests_name_the_account_by_kid_and_post_as_get_has_an_empty_payload()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = Parse(AcmeJws.Sign(key, "https://ca.test/order/1", "nonce-2", kid: "https://ca.test/acct/7", payload: null));

        Assert.Equal("https://ca.test/acct/7", jws.Header["kid"]!.GetValue<string>());
        Assert.Null(jws.Header["jwk"]);
        Assert.Equal("", jws.PayloadPart);
        Assert.True(key.VerifyData(jws.SigningInput, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void A_tampered_payload_does_not_verify()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jws = Parse(AcmeJws.Sign(key, "https://ca.test/x", "n", "https://ca.test/acct/1", new JsonObject()));
        var tampered = Encoding.ASCII.GetBytes($"{jws.ProtectedPart}.{Base64Url.Encode("{\"a\":1}"u8)}");
        Assert.False(key.VerifyData(tampered, jws.Signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    [Fact]
    public void The_thumbprint_of_RFC_7638s_example_key_is_the_one_the_RFC_gives()
    {
        // RFC 7638 §3.1: the RSA key of RFC 7517 Appendix A.1 (required members e, kty, n).
        const string n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        var thumbprint = AcmeJwk.Thumbprint([new("n", n), new("kty", "RSA"), new("e", "AQAB")]);
        Assert.Equal("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs", thumbprint);
    }

    [Fact]
    public void An_EC_keys_thumbprint_hashes_its_canonical_JWK_and_makes_the_key_authorization()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = AcmeJwk.For(key);
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{jwk["x"]}\",\"y\":\"{jwk["y"]}\"}}";
        var expected = Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        Assert.Equal(expected, AcmeJwk.Thumbprint(key));
        Assert.Equal($"tok-123.{expected}", AcmeKeyAuthorization.For("tok-123", AcmeJwk.Thumbprint(key)));
    }

    private static (JsonObject Header, string ProtectedPart, string PayloadPart, string Payload, byte[] SigningInput, byte[] Signature) Parse(string jws)
    {
        using var doc = JsonDocument.Parse(jws);
        Assert.Equal(["protected", "payload", "signature"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var protectedPart = doc.RootElement.GetProperty("protected").GetString()!;
        var payloadPart = doc.RootElement.GetProperty("payload").GetString()!;
        Assert.DoesNotContain('=', protectedPart + payloadPart);
        var header = JsonNode.Parse(Base64Url.Decode(protectedPart))!.AsObject();
        var payload = Encoding.UTF8.GetString(Base64Url.Decode(payloadPart));
        return (header, protectedPart, payloadPart, payload, Encoding.ASCII.GetBytes($"{protectedPart}.{payloadPart}"), Base64Url.Decode(doc.RootElement.GetProperty("signature").GetString()!));
    }
}
