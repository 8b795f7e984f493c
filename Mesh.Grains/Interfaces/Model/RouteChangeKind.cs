namespace Mesh.Interfaces.Model;

[GenerateSerializer, Alias("mesh.RouteChangeKind")]
public enum RouteChangeKind
{
    AppUpserted = 0,
    AppRemoved = 1,
    InstanceUpserted = 2,
    InstanceRemoved = 3,
}
