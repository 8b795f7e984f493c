using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.StateProblemsState")]
public sealed class StateProblemsState
{
    /// <summary>By grain name (e.g. <c>app/web</c>).</summary>
    [Id(0)] public Dictionary<string, StateProblem> Problems { get; set; } = new(StringComparer.Ordinal);
}
