using System.Collections.Immutable;
using Mesh.Interfaces;

namespace Mesh.Grains;

internal sealed class TokenIndexGrain(
    [PersistentState("tokens", MeshStorage.Name)] IPersistentState<TokenIndexState> state) : Grain, ITokenIndexGrain
{
    public async Task Add(string tokenId)
    {
        if (state.State.Ids.Add(tokenId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<ImmutableArray<string>> List() => Task.FromResult(state.State.Ids.ToImmutableArray());
}
