using System.Text.Json;

namespace Mesh.Acme;

/// <summary>
/// An ACME error document (RFC 8555 §6.7, RFC 7807 problem+json) as an <see cref="AcmeException"/>:
/// its type, a one-line message from its detail, and the response's Retry-After.
/// </summary>
internal static class AcmeProblem
{
    public const string ErrorPrefix = "urn:ietf:params:acme:error:";
    public const string BadNonce = ErrorPrefix + "badNonce";
    public const string RateLimited = ErrorPrefix + "rateLimited";
    public const string AccountDoesNotExist = ErrorPrefix + "accountDoesNotExist";

    /// <summary>Mesh's own types, for failures the CA did not describe.</summary>
    public const string Connection = "connection";
    public const string Malformed = "malformedResponse";
    public const string Timeout = "timeout";
    public const string NoChallenge = "noSupportedChallenge";
    public const string Disabled = "disabled";

    /// <summary>The problem in a response body; a body that is no problem document still gives one line naming the status.</summary>
    public static AcmeException FromResponse(string? body, int status, string url, TimeSpan? retryAfter)
    {
        if (TryParse(body, out var type, out var detail))
        {
            return new AcmeException(type, Describe(type, detail), retryAfter);
        }
        return new AcmeException($"http{status}", $"the ACME server answered {status} to {url}", retryAfter);
    }

    /// <summary>A problem document embedded in an object (a challenge's or an order's <c>error</c>).</summary>
    public static AcmeException FromElement(JsonElement problem, string context)
    {
        var type = problem.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "unknown";
        var detail = problem.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        return new AcmeException(type, $"{context}: {Describe(type, detail)}");
    }

    public static bool TryParse(string? body, out string type, out string? detail)
    {
        type = "";
        detail = null;
        if (string.IsNullOrWhiteSpace(body)) return false;
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            {
                return false;
            }
            type = t.GetString()!;
            detail = doc.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>"DETAIL (rateLimited)": the detail on one line, the type without its URN prefix.</summary>
    private static string Describe(string type, string? detail)
    {
        var shortType = type.StartsWith(ErrorPrefix, StringComparison.Ordinal) ? type[ErrorPrefix.Length..] : type;
        return string.IsNullOrWhiteSpace(detail) ? shortType : $"{OneLine(detail)} ({shortType})";
    }

    public static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
