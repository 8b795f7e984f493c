namespace Mesh.Domain;

/// <summary>
/// A user mistake the platform refuses (bad config, unknown app, address not held, pool exhausted).
/// The message is one line meant for the person who made the call; the CLI prints it as is.
/// </summary>
[GenerateSerializer, Alias("mesh.MeshException")]
public sealed class MeshException : Exception
{
    public MeshException(string code, string message) : base(message) => Code = code;

    [Id(0)] public string Code { get; }
}
