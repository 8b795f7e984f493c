using System.Text.Json;

namespace Mesh.Cli.Commands;

/// <summary>
/// One line for a state problem as <c>/v1/status</c> reports it: a string as is, an object as
/// "what: problem" from its usual fields, anything else as its JSON.
/// </summary>
internal static class StateProblemText
{
    private static readonly string[] SubjectFields = ["grain", "name", "subject", "key", "app"];

    private static readonly string[] MessageFields = ["problem", "message", "detail", "error", "reason"];

    public static string Of(JsonElement problem)
    {
        if (problem.ValueKind == JsonValueKind.String) return Api.ApiProblem.OneLine(problem.GetString() ?? "");
        if (problem.ValueKind == JsonValueKind.Object)
        {
            var subject = First(problem, SubjectFields);
            var message = First(problem, MessageFields);
            if (message is not null) return Api.ApiProblem.OneLine(subject is null ? message : $"{subject}: {message}");
        }
        return problem.GetRawText();
    }

    private static string? First(JsonElement e, string[] names) =>
        names.Select(n => e.TryGetProperty(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).FirstOrDefault(s => !string.IsNullOrEmpty(s));
}
