namespace Mesh.Tests.Cluster;

/// <summary>Tests that start real processes (Redis, silos, the CLI) run one at a time on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessTests
{
    public const string Name = "processes";
}
