using System.Text.Json.Serialization;

namespace Mesh.Cli.Api.Model;

/// <summary><c>POST /v1/apps</c>; without an org the API picks the token's (or <c>personal</c>).</summary>
internal sealed record CreateAppRequest(string Name, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Org);
