namespace Mesh.Domain.Config;

/// <summary>
/// The entry point the platform calls with a user's fly.toml: read it, validate it, and either
/// refuse it with one line naming the first problem or return the config with its warnings.
/// </summary>
public static class FlyToml
{
    /// <summary>
    /// Reads and validates <paramref name="text"/>. Throws <see cref="MeshException"/> with code
    /// <c>config_invalid</c> on a TOML syntax error or on any error-level problem; the message is
    /// the first problem, plus "(and N more problems)" when there are others.
    /// </summary>
    public static ConfigReadResult Load(string text)
    {
        var read = FlyTomlReader.Read(text);
        // A value the reader could not read is left at its default in the config, so validating
        // around it would report follow-on problems that are not real: those errors come alone.
        if (read.Errors.Count > 0) throw Invalid(read.Errors);

        var problems = ConfigValidator.Validate(read.Config, read.ServicePaths);
        var errors = problems.Where(p => p.IsError).ToList();
        if (errors.Count > 0) throw Invalid(errors);

        var warnings = read.Warnings.Concat(problems.Where(p => !p.IsError).Select(p => p.ToString())).ToList();
        return read with { Warnings = warnings };
    }

    private static MeshException Invalid(IReadOnlyList<ConfigProblem> errors)
    {
        var more = errors.Count switch
        {
            1 => "",
            2 => " (and 1 more problem)",
            _ => $" (and {errors.Count - 1} more problems)",
        };
        return new MeshException("config_invalid", FlyTomlReader.OneLine(errors[0] + more));
    }
}
