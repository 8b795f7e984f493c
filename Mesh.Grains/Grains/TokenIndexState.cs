namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.TokenIndexState")]
public sealed class TokenIndexState
{
    [Id(0)] public SortedSet<string> Ids { get; set; } = new(StringComparer.Ordinal);
}
