namespace Mesh.Domain.Config;

/// <summary>
/// One thing wrong (or worth a word) in a fly.toml, tied to the dotted key path it is about
/// (<c>services[1].ports[0].handlers</c>) so the person fixing the file knows where to look.
/// Errors fail a deploy; warnings are reported and the deploy goes on.
/// </summary>
public sealed record ConfigProblem(string Path, string Message, bool IsError)
{
    public static ConfigProblem Error(string path, string message) => new(path, message, true);

    public static ConfigProblem Warning(string path, string message) => new(path, message, false);

    public override string ToString() => $"{Path}: {Message}";
}
