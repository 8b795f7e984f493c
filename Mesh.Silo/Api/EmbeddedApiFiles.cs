using Mesh.Security;
using System.Text.Json;
using Mesh.Hosting;
using Mesh.Interfaces.Api;

namespace Mesh.Silo.Api;

/// <summary>Writes <c>DATA/api.json</c> (0600) once the API listens, so the CLI finds it with no flags.</summary>
internal static class EmbeddedApiFiles
{
    public static void WriteEndpoint(string dataDirectory, string url) =>
        SecureFiles.Write(EmbeddedApiEndpoint.PathIn(dataDirectory),
            JsonSerializer.Serialize(new EmbeddedApiEndpoint(url, Environment.ProcessId), ApiJson.Options));
}
