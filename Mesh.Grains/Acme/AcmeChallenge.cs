using System.Text.Json;

namespace Mesh.Acme;

/// <summary>One challenge of an authorization (RFC 8555 §8); <see cref="Error"/> says why it is invalid.</summary>
internal sealed record AcmeChallenge(string Type, string Url, string Token, string Status, AcmeException? Error)
{
    public static AcmeChallenge Parse(JsonElement obj)
    {
        const string what = "challenge";
        var type = AcmeJson.Required(obj, "type", what);
        var error = obj.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
            ? AcmeProblem.FromElement(e, $"{type} validation failed")
            : null;
        return new AcmeChallenge(type, AcmeJson.Required(obj, "url", what), AcmeJson.Optional(obj, "token") ?? "", AcmeJson.Required(obj, "status", what), error);
    }
}
