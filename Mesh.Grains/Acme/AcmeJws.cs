using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Acme;

/// <summary>
/// An ACME request body (RFC 8555 §6.2): a JWS in flattened JSON serialization, signed with
/// ES256. The protected header carries the nonce and the URL; it names the key by <c>jwk</c>
/// for newAccount and by <c>kid</c> (the account URL) afterwards. A null payload is
/// POST-as-GET (§6.3): an empty payload, not <c>{}</c>.
/// </summary>
internal static class AcmeJws
{
    public static string Sign(ECDsa key, string url, string nonce, string? kid, JsonNode? payload)
    {
        var header = new JsonObject { ["alg"] = "ES256" };
        if (kid is null)
        {
            header["jwk"] = AcmeJwk.For(key);
        }
        else
        {
            header["kid"] = kid;
        }
        header["nonce"] = nonce;
        header["url"] = url;
        var protectedPart = Base64Url.Encode(Encoding.UTF8.GetBytes(header.ToJsonString()));
        var payloadPart = payload is null ? "" : Base64Url.Encode(Encoding.UTF8.GetBytes(payload.ToJsonString()));
        // ES256 is the raw r|s pair (RFC 7518 §3.4), which is .NET's default IEEE P1363 format.
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{protectedPart}.{payloadPart}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new JsonObject
        {
            ["protected"] = protectedPart,
            ["payload"] = payloadPart,
            ["signature"] = Base64Url.Encode(signature),
        }.ToJsonString();
    }
}
