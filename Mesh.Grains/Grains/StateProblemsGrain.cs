using System.Collections.Immutable;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Grains;

/// <summary>
/// Persisted, so the list survives a silo restart even when the broken grain is not activated
/// again. Its own state is diagnostic: should it be unreadable, it starts empty (see
/// <see cref="UnreadableStates.Rebuilt"/>) rather than hide every other problem.
/// </summary>
internal sealed class StateProblemsGrain(
    [PersistentState("problems", MeshStorage.Name)] IPersistentState<StateProblemsState> state,
    TimeProvider time) : Grain, IStateProblemsGrain
{
    public async Task Report(string grain, string problem)
    {
        if (state.State.Problems.TryGetValue(grain, out var known) && known.Problem == problem)
        {
            return;
        }
        state.State.Problems[grain] = new StateProblem(grain, problem, known?.FirstSeen ?? time.GetUtcNow());
        await state.WriteStateAsync();
    }

    public async Task Resolve(string grain)
    {
        if (state.State.Problems.Remove(grain))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<StateProblem>> List() => Task.FromResult(
        state.State.Problems.Values.OrderBy(p => p.Grain, StringComparer.Ordinal).ToImmutableArray());
}
