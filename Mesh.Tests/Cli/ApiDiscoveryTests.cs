using Mesh.Cli.Api;
using Mesh.Domain;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Cli;

/// <summary>How the CLI finds the API and its token: flags, then environment, then the embedded silo's files.</summary>
public sealed class ApiDiscoveryTests
{
    private static readonly string OperatorToken = "mesh_op_0123456789abcdef_" + new string('a', 43);
    private static readonly string OrgToken = "mesh_org_fedcba9876543210_" + new string('b', 43);

    [Fact]
    public void Data_directory_gives_the_url_and_the_operator_token()
    {
        using var dir = EmbeddedFiles("http://127.0.0.1:4321");
        var endpoint = Resolve(new ApiSettings(null, null, null, dir.Path));
        Assert.Equal("http://127.0.0.1:4321", endpoint.ToString());
        Assert.Equal(OperatorToken, endpoint.Token);
        Assert.Contains("api.json was written by process", endpoint.Hint);
    }

    [Fact]
    public void Environment_names_the_data_directory_url_and_token()
    {
        using var dir = EmbeddedFiles("http://127.0.0.1:4321");
        var env = new Dictionary<string, string> { ["MESH_DATA_DIR"] = dir.Path };
        Assert.Equal(OperatorToken, Resolve(new ApiSettings(null, null, null, null), env).Token);

        env["MESH_API_URL"] = "https://api.example.net:4280";
        env["MESH_API_TOKEN"] = OrgToken;
        var endpoint = Resolve(new ApiSettings(null, null, null, null), env);
        Assert.Equal("https://api.example.net:4280", endpoint.ToString());
        Assert.Equal(OrgToken, endpoint.Token);
        Assert.Contains("MESH_API_URL", endpoint.Hint);
    }

    [Fact]
    public void Flags_win_over_the_environment()
    {
        var env = new Dictionary<string, string> { ["MESH_API_URL"] = "http://127.0.0.1:1", ["MESH_API_TOKEN"] = OperatorToken, ["MESH_DATA_DIR"] = "/nonexistent" };
        var endpoint = Resolve(new ApiSettings("http://127.0.0.2:2", OrgToken, null, null), env);
        Assert.Equal("http://127.0.0.2:2", endpoint.ToString());
        Assert.Equal(OrgToken, endpoint.Token);
    }

    [Fact]
    public void The_local_operator_token_is_never_sent_to_another_url()
    {
        using var dir = EmbeddedFiles("http://127.0.0.1:4321");
        var e = Assert.Throws<MeshException>(() => Resolve(new ApiSettings("https://other.example.net", null, null, dir.Path)));
        Assert.Equal("no API token: pass --token TOKEN or set MESH_API_TOKEN", e.Message);

        // The same API named explicitly still gets it.
        Assert.Equal(OperatorToken, Resolve(new ApiSettings("http://127.0.0.1:4321/", null, null, dir.Path)).Token);
    }

    [Fact]
    public void No_mesh_no_url_is_one_line_saying_what_to_do()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<MeshException>(() => Resolve(new ApiSettings(null, null, null, dir.Path)));
        Assert.StartsWith($"no mesh is running here (no api.json in {dir.Path})", e.Message);
        Assert.Contains("--api", e.Message);
    }

    [Fact]
    public void Damaged_files_and_bad_values_are_named_without_echoing_the_token()
    {
        using var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "api.json"), "{\"url\": ");
        Assert.Contains("api.json is not a valid API file", Assert.Throws<MeshException>(() => Resolve(new ApiSettings(null, null, null, dir.Path))).Message);

        var secret = "mesh_org_" + new string('z', 20);
        var e = Assert.Throws<MeshException>(() => Resolve(new ApiSettings("http://127.0.0.1:1", secret, null, dir.Path)));
        Assert.StartsWith("--token: not a mesh API token", e.Message);
        Assert.DoesNotContain(secret, e.Message);

        var env = new Dictionary<string, string> { ["MESH_API_TOKEN"] = "nope" };
        Assert.StartsWith("MESH_API_TOKEN: not a mesh API token", Assert.Throws<MeshException>(() => Resolve(new ApiSettings("http://127.0.0.1:1", null, null, dir.Path), env)).Message);
        Assert.StartsWith("--api: 'ftp://x' is not an http:// or https:// URL", Assert.Throws<MeshException>(() => Resolve(new ApiSettings("ftp://x", OrgToken, null, dir.Path))).Message);
        Assert.StartsWith("--ca: file '/nonexistent/ca.pem' not found", Assert.Throws<MeshException>(() => Resolve(new ApiSettings("https://x", OrgToken, "/nonexistent/ca.pem", dir.Path))).Message);
    }

    [Fact]
    public void A_stale_file_says_its_process_is_gone()
    {
        using var dir = EmbeddedFiles("http://127.0.0.1:4321", processId: int.MaxValue);
        Assert.Contains($"was written by process {int.MaxValue}, which is not running", Resolve(new ApiSettings(null, null, null, dir.Path)).Hint);
    }

    private TempDir EmbeddedFiles(string url, int? processId = null)
    {
        var dir = new TempDir();
        File.WriteAllText(Path.Combine(dir.Path, "api.json"), $"{{\"url\": \"{url}\", \"process_id\": {processId ?? Environment.ProcessId}}}");
        File.WriteAllText(Path.Combine(dir.Path, "operator.token"), OperatorToken + "\n");
        return dir;
    }

    private static ApiEndpoint Resolve(ApiSettings settings, IDictionary<string, string>? env = null) =>
        ApiDiscovery.Resolve(settings, name => env is not null && env.TryGetValue(name, out var v) ? v : null);
}
