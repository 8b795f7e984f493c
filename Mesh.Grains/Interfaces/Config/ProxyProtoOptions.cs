namespace Mesh.Interfaces.Config;

/// <summary><c>proxy_proto_options</c>: <c>version = "v2"</c> selects the binary header; v1 otherwise.</summary>
[GenerateSerializer, Immutable, Alias("mesh.ProxyProtoOptions")]
public sealed record ProxyProtoOptions([property: Id(0)] string Version)
{
    public bool IsV2 => Version == "v2";
}
