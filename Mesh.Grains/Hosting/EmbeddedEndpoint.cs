using System.Text.Json;

namespace Mesh.Hosting;

/// <summary>
/// Where an embedded silo can be reached: written by the silo into its data directory when it is
/// ready, read by the CLI, so that `mesh` finds the local mesh with no flags.
/// </summary>
public sealed record EmbeddedEndpoint(int GatewayPort, int SiloPort, string Region, int ProcessId)
{
    public const string FileName = "silo.json";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    public void WriteTo(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = PathIn(dataDirectory);
        // 0600: the data directory's files are its owner's (issue 9).
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var file = new FileStream(path + ".tmp", options))
        {
            JsonSerializer.Serialize(file, this);
        }
        File.Move(path + ".tmp", path, overwrite: true);
    }

    public static EmbeddedEndpoint? ReadFrom(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<EmbeddedEndpoint>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
