using System.CommandLine;

namespace Mesh.Cli;

/// <summary>Options every command takes: output format and how to reach the mesh.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json", "-j") { Description = "Print JSON instead of a table", Recursive = true };

    public static readonly Option<string?> Redis = new("--redis")
    {
        Description = "Redis connection of a clustered mesh (default: $MESH_REDIS; without it, the embedded mesh)",
        Recursive = true,
    };

    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Data directory of the embedded mesh (default: $MESH_DATA_DIR or ~/.mesh)",
        Recursive = true,
    };

    public static readonly Option<string?> TlsDir = new("--tls-dir")
    {
        Description = "Operator TLS directory (ca.pem, node.pem, node.key) for the cluster connection (default: $MESH_TLS_DIR, or the embedded mesh's)",
        Recursive = true,
    };

    public static readonly Option<string?> ClusterId = new("--cluster-id") { Description = "Orleans cluster id (default: mesh)", Recursive = true };

    public static readonly Option<string?> ServiceId = new("--service-id") { Description = "Orleans service id (default: mesh)", Recursive = true };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Json);
        root.Options.Add(Redis);
        root.Options.Add(DataDir);
        root.Options.Add(TlsDir);
        root.Options.Add(ClusterId);
        root.Options.Add(ServiceId);
    }
}
