namespace Mesh.Tests.Cluster;

/// <summary>
/// Tests that start real processes (Redis, silos, the CLI), one at a time within the collection.
/// It runs beside <see cref="Gateway.GatewayProcessTests"/> (at most two tests at once on this
/// 2-core machine): these may use the embedded default IP pool, those never do (each edge has its
/// own random 127/8 pool), so the two never bind the same address.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessTests
{
    public const string Name = "processes";
}
