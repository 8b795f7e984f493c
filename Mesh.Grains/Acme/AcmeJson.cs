using System.Text.Json;

namespace Mesh.Acme;

/// <summary>Reading the members ACME objects must have; a missing one is a malformed response, named.</summary>
internal static class AcmeJson
{
    public static JsonElement Parse(string body, string what)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw Malformed(what, "it is not a JSON object");
            return doc.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw Malformed(what, $"it is not JSON ({e.Message})");
        }
    }

    public static string Required(JsonElement obj, string name, string what) =>
        Optional(obj, name) ?? throw Malformed(what, $"it has no \"{name}\"");

    public static string? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static AcmeException Malformed(string what, string why) =>
        new(AcmeProblem.Malformed, $"the ACME server sent an unreadable {what}: {why}");
}
