using Mesh.Hosting;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Api;

/// <summary>One embedded silo process for a class of API tests, with its operator token from the data directory.</summary>
public sealed class EmbeddedApiFixture : IAsyncLifetime
{
    private readonly TempDir _dir = new();
    private SiloProcess? _silo;

    internal SiloProcess Silo => _silo!;

    public string DataDirectory => _dir.Path;

    public string Url { get; private set; } = "";

    public string OperatorToken { get; private set; } = "";

    internal ApiClient Operator => new(Url, OperatorToken);

    internal ApiClient Anonymous => new(Url, null);

    internal ApiClient As(string token) => new(Url, token);

    public async Task InitializeAsync()
    {
        _silo = await SiloProcess.StartAsync("ams", dataDir: _dir.Path);
        Url = ApiSilo.UrlOf(_silo);
        OperatorToken = EmbeddedApiEndpoint.ReadOperatorToken(_dir.Path) ?? throw new InvalidOperationException("no operator.token");
    }

    public async Task DisposeAsync()
    {
        if (_silo is not null) await _silo.DisposeAsync();
        _dir.Dispose();
    }
}
