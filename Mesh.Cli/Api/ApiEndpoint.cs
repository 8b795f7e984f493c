namespace Mesh.Cli.Api;

/// <summary>
/// The API the CLI talks to, as discovery resolved it. <see cref="Hint"/> ends an "unreachable"
/// error with where the URL came from, so a stale api.json or a wrong flag is obvious.
/// </summary>
internal sealed record ApiEndpoint(Uri Url, string Token, string? CaFile, string Hint)
{
    /// <summary>The URL as people write it (no trailing slash on a bare origin); never the token.</summary>
    public override string ToString() => Url.AbsolutePath == "/" && Url.Query.Length == 0 ? Url.GetLeftPart(UriPartial.Authority) : Url.ToString();
}
