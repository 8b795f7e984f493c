using System.Text;

namespace Mesh.Tests.Infrastructure;

/// <summary>One HTTP/1.x response as a raw client read it off the wire: the head as sent, the decoded body, and the trailer field lines of a chunked body.</summary>
internal sealed record Http1Response(string Head, byte[] Body, IReadOnlyList<string> Trailers)
{
    public string StatusLine => Head.Split("\r\n")[0];

    /// <summary>The status code, or 0 when the first line is not an HTTP/1.x status line (stray bytes where a response should start).</summary>
    public int Status => StatusLine.StartsWith("HTTP/1.", StringComparison.Ordinal) && StatusLine.Length >= 12
        && int.TryParse(StatusLine.AsSpan(9, 3), out var status) ? status : 0;

    public string BodyText => Encoding.Latin1.GetString(Body);

    /// <summary>A header's value (the first one of that name), or null when the response has none.</summary>
    public string? Header(string name) =>
        Head.Split("\r\n").Skip(1).FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    /// <summary>A trailer field's value, or null when the body brought none of that name.</summary>
    public string? Trailer(string name) =>
        Trailers.FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim();

    public bool IsChunked => Header("Transfer-Encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true;

    public override string ToString() => Head + "\r\n\r\n" + BodyText + (Trailers.Count > 0 ? "\r\n[trailers] " + string.Join(" | ", Trailers) : "");
}
