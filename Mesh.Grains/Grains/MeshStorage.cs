namespace Mesh.Grains;

/// <summary>The name of the grain storage provider every Mesh grain persists to (Redis in a cluster, files when embedded).</summary>
public static class MeshStorage
{
    public const string Name = "mesh";
}
