using System.CommandLine;

namespace Mesh.Cli;

/// <summary>Options every command takes: output format and how to reach the mesh.</summary>
internal static class GlobalOptions
{
    public static readonly Option<bool> Json = new("--json", "-j") { Description = "Print JSON instead of a table", Recursive = true };

    public static readonly Option<string?> Api = new("--api")
    {
        Description = "URL of the mesh API (default: $MESH_API_URL, else the embedded mesh's api.json in the data directory)",
        Recursive = true,
    };

    public static readonly Option<string?> Token = new("--token")
    {
        Description = "API token (default: $MESH_API_TOKEN, else the embedded mesh's operator.token)",
        Recursive = true,
    };

    public static readonly Option<string?> Ca = new("--ca")
    {
        Description = "PEM CA certificate(s) to trust for an HTTPS API, e.g. the cluster CA (default: $MESH_API_CA)",
        Recursive = true,
    };

    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Data directory of the embedded mesh (default: $MESH_DATA_DIR or ~/.mesh)",
        Recursive = true,
    };

    public static readonly Option<string?> Redis = new("--redis")
    {
        Description = "mesh ping: Redis connection of a clustered mesh (default: $MESH_REDIS; without it, the embedded mesh)",
        Recursive = true,
    };

    public static readonly Option<string?> TlsDir = new("--tls-dir")
    {
        Description = "mesh ping: operator TLS directory (ca.pem, node.pem, node.key) for the cluster connection (default: $MESH_TLS_DIR, or the embedded mesh's)",
        Recursive = true,
    };

    public static readonly Option<string?> ClusterId = new("--cluster-id") { Description = "mesh ping: Orleans cluster id (default: mesh)", Recursive = true };

    public static readonly Option<string?> ServiceId = new("--service-id") { Description = "mesh ping: Orleans service id (default: mesh)", Recursive = true };

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Json);
        root.Options.Add(Api);
        root.Options.Add(Token);
        root.Options.Add(Ca);
        root.Options.Add(DataDir);
        root.Options.Add(Redis);
        root.Options.Add(TlsDir);
        root.Options.Add(ClusterId);
        root.Options.Add(ServiceId);
    }
}
