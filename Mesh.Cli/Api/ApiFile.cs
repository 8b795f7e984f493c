using System.Text.Json;
using Mesh.Domain;
using Mesh.Hosting;
using Mesh.Interfaces.Api;

namespace Mesh.Cli.Api;

/// <summary>
/// <c>DATA/api.json</c>, written by an embedded silo when its API serves (<see cref="EmbeddedApiEndpoint"/>),
/// read strictly here so that a damaged file is named rather than taken for no mesh:
/// <c>{"url": "http://127.0.0.1:PORT", "process_id": N}</c>.
/// </summary>
internal sealed record ApiFile(string Url, int ProcessId)
{
    public const string FileName = EmbeddedApiEndpoint.FileName;

    public const string TokenFileName = EmbeddedApiEndpoint.OperatorTokenFileName;

    /// <summary>The file's content, or null when there is none or it is damaged.</summary>
    public static ApiFile? TryReadFrom(string dataDir)
    {
        try
        {
            return ReadFrom(dataDir);
        }
        catch (Exception e) when (e is MeshException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The file's content, or null when there is none; a damaged file is a one-line error.</summary>
    public static ApiFile? ReadFrom(string dataDir)
    {
        var path = Path.Combine(dataDir, FileName);
        if (!File.Exists(path)) return null;
        ApiFile? file;
        try
        {
            file = JsonSerializer.Deserialize<ApiFile>(File.ReadAllText(path), ApiJson.Options);
        }
        catch (JsonException)
        {
            file = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MeshException("api_file_unreadable", $"cannot read {path} ({e.Message.Split('\n')[0].Trim()}); pass --api URL and --token TOKEN");
        }
        if (file is null || string.IsNullOrWhiteSpace(file.Url))
        {
            throw new MeshException("api_file_invalid", $"{path} is not a valid API file (expected {{\"url\": …, \"process_id\": …}}); restart the silo, or pass --api URL");
        }
        return file;
    }
}
