using System.Net;
using System.Text.Json;
using Mesh.Domain;

namespace Mesh.Cli.Api;

/// <summary>
/// Turns an API error answer into the exception the CLI prints: an RFC 9457 problem's
/// <c>code</c> and <c>detail</c> (today's one-line message), or, for anything else (a proxy's
/// HTML page, an empty 502), one line with the status.
/// </summary>
internal static class ProblemReader
{
    public static MeshException ToException(HttpStatusCode status, string? body, string url)
    {
        var code = $"http_{(int)status}";
        string? message = null;
        try
        {
            using var doc = JsonDocument.Parse(string.IsNullOrWhiteSpace(body) ? "null" : body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object)
            {
                code = Text(doc.RootElement, "code") ?? CodeFromType(Text(doc.RootElement, "type")) ?? code;
                message = Text(doc.RootElement, "detail") ?? Text(doc.RootElement, "title");
            }
        }
        catch (JsonException)
        {
        }
        message ??= status switch
        {
            HttpStatusCode.Unauthorized => $"the mesh API at {url} refused the token (401)",
            HttpStatusCode.Forbidden => $"the mesh API at {url} does not allow this with this token (403)",
            _ => $"the mesh API at {url} answered {(int)status} {ReasonOf(status)}",
        };
        return new MeshException(code, OneLine.Of(message));
    }

    private static string? Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString() : null;

    /// <summary><c>https://mesh.dev/problems/app_not_found</c> → <c>app_not_found</c>.</summary>
    private static string? CodeFromType(string? type)
    {
        if (type is null || type == "about:blank") return null;
        var slash = type.TrimEnd('/').LastIndexOf('/');
        var last = type.TrimEnd('/')[(slash + 1)..];
        return last.Length > 0 ? last : null;
    }

    private static string ReasonOf(HttpStatusCode status) =>
        System.Text.RegularExpressions.Regex.Replace(status.ToString(), "(?<=[a-z])(?=[A-Z])", " ");
}
