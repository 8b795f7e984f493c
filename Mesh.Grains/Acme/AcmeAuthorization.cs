using System.Collections.Immutable;
using System.Text.Json;

namespace Mesh.Acme;

/// <summary>An authorization (RFC 8555 §7.1.4): the identifier, its status and the challenges that can prove it.</summary>
internal sealed record AcmeAuthorization(string Identifier, string Status, bool Wildcard, ImmutableArray<AcmeChallenge> Challenges)
{
    public static AcmeAuthorization Parse(string body)
    {
        const string what = "authorization";
        var root = AcmeJson.Parse(body, what);
        var identifier = root.TryGetProperty("identifier", out var id) && id.ValueKind == JsonValueKind.Object
            ? AcmeJson.Required(id, "value", what)
            : throw AcmeJson.Malformed(what, "it has no \"identifier\"");
        var challenges = root.TryGetProperty("challenges", out var c) && c.ValueKind == JsonValueKind.Array
            ? c.EnumerateArray().Select(AcmeChallenge.Parse).ToImmutableArray()
            : [];
        var wildcard = root.TryGetProperty("wildcard", out var w) && w.ValueKind == JsonValueKind.True;
        return new AcmeAuthorization(identifier, AcmeJson.Required(root, "status", what), wildcard, challenges);
    }

    /// <summary>
    /// The challenge to answer: the first of <paramref name="preferences"/> this authorization
    /// offers, or null when it offers none of them.
    /// </summary>
    public AcmeChallenge? Choose(IEnumerable<string> preferences) =>
        preferences.Select(type => Challenges.FirstOrDefault(c => c.Type == type)).FirstOrDefault(c => c is not null);

    /// <summary>Why an invalid authorization failed: the error of its failed challenge, if the CA gave one.</summary>
    public AcmeException Failure(string hostname) =>
        Challenges.Select(c => c.Error).FirstOrDefault(e => e is not null)
        ?? new AcmeException(AcmeProblem.ErrorPrefix + "unauthorized", $"the authorization for {hostname} is {Status}");
}
