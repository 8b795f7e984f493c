using Mesh.Interfaces.Model;

namespace Mesh.Grains;

[GenerateSerializer, Alias("mesh.InstanceGrainState")]
public sealed class InstanceGrainState
{
    [Id(0)] public InstanceInfo? Info { get; set; }
}
