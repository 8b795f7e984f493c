namespace Mesh.Acme;

[GenerateSerializer, Alias("mesh.AcmeAccountState")]
public sealed class AcmeAccountState
{
    /// <summary>The account key (PKCS#8 PEM) sealed with the cluster data key; null until made.</summary>
    [Id(0)] public string? SealedKey { get; set; }
    [Id(1)] public string? Directory { get; set; }
    [Id(2)] public string? Url { get; set; }
    [Id(3)] public DateTimeOffset? RegisteredAt { get; set; }
}
