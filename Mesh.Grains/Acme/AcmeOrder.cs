using System.Collections.Immutable;
using System.Text.Json;

namespace Mesh.Acme;

/// <summary>An order (RFC 8555 §7.1.3): its status, authorizations, finalize URL and, once valid, the certificate URL.</summary>
internal sealed record AcmeOrder(string Url, string Status, ImmutableArray<string> Authorizations, string Finalize, string? Certificate, AcmeException? Error)
{
    public static AcmeOrder Parse(string url, string body)
    {
        const string what = "order";
        var root = AcmeJson.Parse(body, what);
        var authorizations = root.TryGetProperty("authorizations", out var a) && a.ValueKind == JsonValueKind.Array
            ? a.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!).ToImmutableArray()
            : throw AcmeJson.Malformed(what, "it has no \"authorizations\"");
        var error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
            ? AcmeProblem.FromElement(e, "the order failed")
            : null;
        return new AcmeOrder(url, AcmeJson.Required(root, "status", what), authorizations, AcmeJson.Required(root, "finalize", what), AcmeJson.Optional(root, "certificate"), error);
    }
}
