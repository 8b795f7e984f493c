namespace Mesh.Interfaces.Api;

/// <summary>
/// An RFC 9457 problem (<c>application/problem+json</c>): every error the tenant API answers.
/// <c>code</c> is the <c>MeshException</c> code; <c>detail</c> (= <c>title</c>) is the one-line message.
/// </summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Code, string Detail)
{
    public const string ContentType = "application/problem+json";

    public static ApiProblem For(int status, string code, string message) =>
        new($"https://mesh.dev/problems/{code}", message, status, code, message);
}
