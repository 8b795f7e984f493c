namespace Mesh.Cli;

/// <summary>Every message the CLI prints is one line: a multi-line detail is joined with spaces.</summary>
internal static class OneLine
{
    public static string Of(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
