namespace Mesh.Tests.Gateway;

/// <summary>
/// Tests of gateway processes in front of an <see cref="Infrastructure.EmbeddedEdge"/> (its own
/// random 127/8 pool and data directory), one at a time within the collection; it runs beside
/// <see cref="Cluster.ProcessTests"/>.
/// </summary>
[CollectionDefinition(Name)]
public sealed class GatewayProcessTests
{
    public const string Name = "gateway-processes";
}
