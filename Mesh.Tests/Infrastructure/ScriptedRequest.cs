namespace Mesh.Tests.Infrastructure;

/// <summary>One request as <see cref="ScriptedHttp1App"/> received it: which of its connections brought it, the head, the decoded body and the trailer field lines.</summary>
internal sealed record ScriptedRequest(int Connection, string Head, byte[] Body, IReadOnlyList<string> Trailers)
{
    public string RequestLine => Head.Split("\r\n")[0];

    public string Method => RequestLine.Split(' ')[0];

    public string Target => RequestLine.Split(' ').ElementAtOrDefault(1) ?? "";

    /// <summary>A header's value, or null when the request has none.</summary>
    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();
}
