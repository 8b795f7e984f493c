namespace Mesh.Interfaces.Model;

[GenerateSerializer, Alias("mesh.InstanceState")]
public enum InstanceState
{
    Started = 0,
    Stopped = 1,
}
