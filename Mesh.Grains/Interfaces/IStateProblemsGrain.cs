using System.Collections.Immutable;
using Mesh.Interfaces.Model;

namespace Mesh.Interfaces;

/// <summary>
/// The cluster-wide list of grains whose stored state cannot be read (key "global"). Silos report
/// a grain once, when its activation finds the state unreadable, and resolve it when the state
/// reads again or is gone.
/// </summary>
[Alias("mesh.IStateProblemsGrain")]
public interface IStateProblemsGrain : IGrainWithStringKey
{
    public const string Global = "global";

    [Alias("Report")] Task Report(string grain, string problem);
    [Alias("Resolve")] Task Resolve(string grain);
    [Alias("List")] Task<ImmutableArray<StateProblem>> List();
}
