using Mesh.Domain;
using Mesh.Security;

namespace Mesh.Cli.Api;

/// <summary>
/// Finds the API and the token: <c>--api</c>/<c>MESH_API_URL</c> and <c>--token</c>/<c>MESH_API_TOKEN</c>,
/// else the embedded silo's <c>DATA/api.json</c> and <c>DATA/operator.token</c>. The data
/// directory's operator token is sent only to the URL that same directory names, so pointing the
/// CLI at another mesh never hands it the local operator's credential.
/// </summary>
internal static class ApiDiscovery
{
    public static ApiEndpoint Resolve(ApiSettings settings, Func<string, string?> environment)
    {
        string? Env(string name) => NonEmpty(environment(name));
        var dataDir = Path.GetFullPath(NonEmpty(settings.DataDir) ?? Env("MESH_DATA_DIR")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".mesh"));
        var filePath = Path.Combine(dataDir, ApiFile.FileName);
        var given = NonEmpty(settings.Api) is { } flag ? (flag, "--api") : Env("MESH_API_URL") is { } env ? (env, "MESH_API_URL") : ((string, string)?)null;
        // Given a URL, a damaged api.json does not matter: it can only name a token for its own URL.
        var file = given is null ? ApiFile.ReadFrom(dataDir) : ApiFile.TryReadFrom(dataDir);

        var (urlText, urlSource) = given is { } g ? g
            : file is not null ? (file.Url, filePath)
            : throw new MeshException("no_mesh",
                $"no mesh is running here (no {ApiFile.FileName} in {dataDir}); start one with ./mesh-up, or pass --api URL (or set MESH_API_URL)");
        var url = ParseUrl(urlText, urlSource);
        var fromFile = file is not null && ParseUrlOrNull(file.Url) is { } fileUrl && SameOrigin(fileUrl, url);

        var token = Token(settings, Env, dataDir, fromFile);
        var ca = NonEmpty(settings.Ca) is { } caFlag ? (caFlag, "--ca") : Env("MESH_API_CA") is { } caEnv ? (caEnv, "MESH_API_CA") : ((string, string)?)null;
        if (ca is { } c && !File.Exists(c.Item1))
        {
            throw new MeshException("ca_not_found", $"{c.Item2}: file '{c.Item1}' not found");
        }
        var hint = urlSource == filePath
            ? $" (is the silo running? {filePath} was written by process {file!.ProcessId}{(IsRunning(file.ProcessId) ? "" : ", which is not running")})"
            : $" (is the silo running, and is {urlSource} right?)";
        return new ApiEndpoint(url, token, ca?.Item1, hint);
    }

    private static string Token(ApiSettings settings, Func<string, string?> env, string dataDir, bool fromFile)
    {
        var (text, source) = NonEmpty(settings.Token) is { } flag ? (flag, "--token")
            : env("MESH_API_TOKEN") is { } e ? (e, "MESH_API_TOKEN")
            : fromFile ? (ReadTokenFile(dataDir), Path.Combine(dataDir, ApiFile.TokenFileName))
            : throw new MeshException("token_required", "no API token: pass --token TOKEN or set MESH_API_TOKEN");
        text = text.Trim();
        if (!ApiToken.TryParse(text, out _))
        {
            // The value itself is never echoed: it may be a real secret pasted into the wrong place.
            throw new MeshException("token_invalid", $"{source}: not a mesh API token (expected mesh_<op|org|app>_<id>_<secret>)");
        }
        return text;
    }

    private static string ReadTokenFile(string dataDir)
    {
        var path = Path.Combine(dataDir, ApiFile.TokenFileName);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MeshException("token_required", $"no API token: cannot read {path} ({e.Message.Split('\n')[0].Trim()}); pass --token TOKEN or set MESH_API_TOKEN");
        }
    }

    private static Uri ParseUrl(string text, string source) => ParseUrlOrNull(text)
        ?? throw new MeshException("api_url_invalid", $"{source}: '{text}' is not an http:// or https:// URL");

    private static Uri? ParseUrlOrNull(string text) =>
        Uri.TryCreate(text.Trim(), UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps) ? url : null;

    private static bool SameOrigin(Uri a, Uri b) =>
        a.Scheme == b.Scheme && string.Equals(a.IdnHost, b.IdnHost, StringComparison.OrdinalIgnoreCase) && a.Port == b.Port;

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
