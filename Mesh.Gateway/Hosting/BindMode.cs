namespace Mesh.Gateway.Hosting;

public enum BindMode
{
    PerAddress,
    Wildcard,
}
