using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.TokenState")]
public sealed class TokenState
{
    /// <summary>Null until issued.</summary>
    [Id(0)] public TokenIssue? Issue { get; set; }
    [Id(1)] public DateTimeOffset CreatedAt { get; set; }
    [Id(2)] public bool Revoked { get; set; }
}
