using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Security;

namespace Mesh.Grains;

internal sealed class TokenGrain(
    [PersistentState("token", MeshStorage.Name)] IPersistentState<TokenState> state,
    TimeProvider time) : Grain, ITokenGrain
{
    private string Id => this.GetPrimaryKeyString();

    public async Task<TokenInfo> Issue(TokenIssue issue)
    {
        if (state.State.Issue is not null)
        {
            throw new MeshException("token_exists", $"token {Id} already exists");
        }
        state.State = new TokenState { Issue = issue, CreatedAt = time.GetUtcNow() };
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<ITokenIndexGrain>(issue.Org).Add(Id);
        return Info(state.State.Issue);
    }

    public Task<TokenGrant?> Authenticate(string hash)
    {
        var issue = state.State.Issue;
        var live = issue is not null
            && !state.State.Revoked
            && (issue.ExpiresAt is null || issue.ExpiresAt > time.GetUtcNow())
            && ApiToken.HashEquals(issue.Hash, hash);
        return Task.FromResult(live ? new TokenGrant(Id, issue!.Kind, issue.Org, issue.App, issue.AppCreatedAt) : null);
    }

    public Task<TokenInfo?> GetInfo() => Task.FromResult(state.State.Issue is { } issue ? Info(issue) : null);

    public async Task<TokenInfo> Revoke()
    {
        var issue = state.State.Issue ?? throw new MeshException("token_not_found", $"token {Id} not found");
        if (!state.State.Revoked)
        {
            state.State.Revoked = true;
            await state.WriteStateAsync();
        }
        return Info(issue);
    }

    private TokenInfo Info(TokenIssue issue) =>
        new(Id, issue.Kind, issue.Org, issue.App, issue.Name, state.State.CreatedAt, issue.ExpiresAt, state.State.Revoked);
}
