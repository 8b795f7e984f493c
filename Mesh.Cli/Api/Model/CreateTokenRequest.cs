using System.Text.Json.Serialization;

namespace Mesh.Cli.Api.Model;

/// <summary><c>POST /v1/tokens</c>: an org token, or with <see cref="App"/> a deploy token.</summary>
internal sealed record CreateTokenRequest(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Org,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? App,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Expiry);
