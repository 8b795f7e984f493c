namespace Mesh.Interfaces.Model;

/// <summary>Set by health checks; an instance with no checks stays <see cref="Passing"/>.</summary>
[GenerateSerializer, Alias("mesh.InstanceHealth")]
public enum InstanceHealth
{
    Passing = 0,
    Critical = 1,
}
