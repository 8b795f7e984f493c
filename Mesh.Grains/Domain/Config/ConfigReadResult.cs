using Mesh.Interfaces.Config;

namespace Mesh.Domain.Config;

/// <summary>
/// What reading a fly.toml produced: the config and the warnings to show the user.
/// <see cref="FlyToml.Load"/> returns it only when the file has no errors; the lower-level
/// <see cref="FlyTomlReader.Read"/> also fills <see cref="Errors"/> with values it could not read.
/// </summary>
public sealed record ConfigReadResult(AppConfig Config, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Values the reader could not turn into the model (a duration of "banana", a port of "abc").
    /// The config holds the default in their place, so it must not be deployed while this is non-empty.
    /// </summary>
    public IReadOnlyList<ConfigProblem> Errors { get; init; } = [];

    /// <summary>
    /// Where each of <see cref="AppConfig.Services"/> came from (<c>http_service</c>, <c>services[2]</c>),
    /// so messages name the file's own index even after empty <c>[[services]]</c> tables were dropped.
    /// </summary>
    public IReadOnlyList<string> ServicePaths { get; init; } = [];
}
