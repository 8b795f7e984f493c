namespace Mesh.Tests.Protocols;

/// <summary>Real ClientHellos from this machine's TLS stack, captured once per test class.</summary>
public sealed class CapturedClientHellos : IAsyncLifetime
{
    public const string Host = "app.example.com";

    /// <summary>Records of a ClientHello offering h2 and http/1.1.</summary>
    public byte[] Web { get; private set; } = [];

    /// <summary>Records of a ClientHello offering only "postgresql", as a PostgreSQL 17 direct-TLS client does.</summary>
    public byte[] Postgres { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Web = await TlsCapture.ClientHelloAsync(Host, "h2", "http/1.1");
        Postgres = await TlsCapture.ClientHelloAsync(Host, "postgresql");
    }

    public Task DisposeAsync() => Task.CompletedTask;
}
