using System.Text.Json;
using Mesh.Interfaces.Api;

namespace Mesh.Hosting;

/// <summary>
/// Where an embedded silo's tenant API is: <c>DATA/api.json</c> (<c>{"url", "process_id"}</c>)
/// beside <c>DATA/operator.token</c>, both 0600, written by the silo when it is ready, read by the
/// CLI when it is given neither an API URL nor a token.
/// </summary>
public sealed record EmbeddedApiEndpoint(string Url, int ProcessId)
{
    public const string FileName = "api.json";
    public const string OperatorTokenFileName = "operator.token";

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    public static string OperatorTokenPathIn(string dataDirectory) => Path.Combine(dataDirectory, OperatorTokenFileName);

    public static EmbeddedApiEndpoint? ReadFrom(string dataDirectory)
    {
        try
        {
            return JsonSerializer.Deserialize<EmbeddedApiEndpoint>(File.ReadAllText(PathIn(dataDirectory)), ApiJson.Options);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The operator token of an embedded mesh, or null when there is none (or it cannot be read).</summary>
    public static string? ReadOperatorToken(string dataDirectory)
    {
        try
        {
            return File.ReadAllText(OperatorTokenPathIn(dataDirectory)).Trim() is { Length: > 0 } token ? token : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
