using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Mesh.Acme;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real ACME CA for the test: <c>pebble</c> on free loopback ports with a TLS certificate made
/// now, resolving through its own <see cref="ChallTestServer"/> (<see cref="Dns"/>), validating
/// for real (no random sleeps, nonce rejection as configured). Its issuing root and intermediate
/// change every start; <see cref="RootsPem"/> is what issued chains verify against.
/// </summary>
internal sealed class Pebble : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDir _dir;
    private readonly RunningProcess _process;

    private Pebble(TempDir dir, RunningProcess process, ChallTestServer dns, int port, int managementPort, string trustedRootsPem)
    {
        _dir = dir;
        _process = process;
        Dns = dns;
        DirectoryUrl = $"https://127.0.0.1:{port}/dir";
        ManagementUrl = $"https://127.0.0.1:{managementPort}";
        TrustedRootsPem = trustedRootsPem;
        TrustedRootsPath = Path.Combine(dir.Path, "pebble-tls-ca.pem");
    }

    public ChallTestServer Dns { get; }

    /// <summary>The ACME directory (Mesh:Acme:Directory).</summary>
    public string DirectoryUrl { get; }

    public string ManagementUrl { get; }

    /// <summary>The CA of Pebble's own TLS certificate, and a file holding it (Mesh:Acme:TrustedRoots).</summary>
    public string TrustedRootsPem { get; }

    public string TrustedRootsPath { get; }

    /// <summary>The root Pebble issues under (management <c>/roots/0</c>).</summary>
    public string RootsPem { get; private set; } = "";

    /// <summary>The intermediate it issues from (management <c>/intermediates/0</c>).</summary>
    public string IntermediatesPem { get; private set; } = "";

    public string Output => _process.Output;

    public int ProcessId => _process.Id;

    /// <summary>Mesh:Acme for a silo (in-process options or process arguments) using this CA.</summary>
    public AcmeOptions AcmeOptions(string? email = "ops@mesh.test") => new()
    {
        Directory = DirectoryUrl,
        Email = email,
        TrustedRoots = TrustedRootsPath,
        Resolver = Dns.DnsAddress,
    };

    /// <summary>The same as configuration keys, e.g. <c>--Mesh:Acme:Directory=…</c> for a silo process.</summary>
    public IReadOnlyDictionary<string, string> SiloConfiguration() => new Dictionary<string, string>
    {
        ["Mesh:Acme:Directory"] = DirectoryUrl,
        ["Mesh:Acme:Email"] = "ops@mesh.test",
        ["Mesh:Acme:TrustedRoots"] = TrustedRootsPath,
        ["Mesh:Acme:Resolver"] = Dns.DnsAddress,
    };

    public static async Task<Pebble> StartAsync(PebbleSettings settings)
    {
        var dns = await ChallTestServer.StartAsync();
        var dir = new TempDir();
        RunningProcess? process = null;
        try
        {
            var tls = PebbleServerCertificate.Create();
            var port = FreePort.Next();
            var managementPort = FreePort.Next();
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "cert.pem"), tls.CertificatePem);
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "key.pem"), tls.KeyPem);
            await File.WriteAllTextAsync(Path.Combine(dir.Path, "pebble-tls-ca.pem"), tls.CaPem);
            var config = new
            {
                pebble = new
                {
                    listenAddress = $"127.0.0.1:{port}",
                    managementListenAddress = $"127.0.0.1:{managementPort}",
                    certificate = Path.Combine(dir.Path, "cert.pem"),
                    privateKey = Path.Combine(dir.Path, "key.pem"),
                    httpPort = settings.HttpPort,
                    tlsPort = settings.TlsPort,
                    ocspResponderURL = "",
                    externalAccountBindingRequired = false,
                },
            };
            var configPath = Path.Combine(dir.Path, "pebble-config.json");
            await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config));
            var env = new Dictionary<string, string> { ["PEBBLE_VA_NOSLEEP"] = "1" };
            if (settings.NonceRejectPercent is { } reject) env["PEBBLE_WFE_NONCEREJECT"] = reject.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (settings.AuthorizationReusePercent is { } reuse) env["PEBBLE_AUTHZREUSE"] = reuse.ToString(System.Globalization.CultureInfo.InvariantCulture);
            process = RunningProcess.Start("pebble", ["-config", configPath, "-dnsserver", dns.DnsAddress], env, dir.Path);
            var pebble = new Pebble(dir, process, dns, port, managementPort, tls.CaPem);
            await process.WaitForLineAsync("ACME directory available at", StartTimeout);
            await pebble.LoadRootsAsync();
            return pebble;
        }
        catch
        {
            if (process is not null) await process.DisposeAsync();
            await dns.DisposeAsync();
            dir.Dispose();
            throw;
        }
    }

    /// <summary>An HTTP client that trusts Pebble's TLS certificate, for its management API and directory.</summary>
    public HttpClient CreateHttpClient()
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(TrustedRootsPem);
        return AcmeHttp.CreateClient(roots);
    }

    /// <summary>
    /// Why <paramref name="chainPem"/> (leaf first) does not verify against Pebble's root for
    /// <paramref name="hostname"/>, or null when it does.
    /// </summary>
    public string? ChainProblem(string chainPem, string hostname)
    {
        var certificates = new X509Certificate2Collection();
        certificates.ImportFromPem(chainPem);
        if (certificates.Count == 0) return "the chain holds no certificate";
        var leaf = certificates[0];
        if (!leaf.MatchesHostname(hostname)) return $"the leaf ({leaf.Subject}) does not name {hostname}";
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.ImportFromPem(RootsPem);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        for (var i = 1; i < certificates.Count; i++) chain.ChainPolicy.ExtraStore.Add(certificates[i]);
        return chain.Build(leaf) ? null : string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
    }

    private async Task LoadRootsAsync()
    {
        using var http = CreateHttpClient();
        // The directory line is printed just before the listener serves: retried until it answers.
        RootsPem = await Eventually.Succeeds(() => http.GetStringAsync($"{ManagementUrl}/roots/0"), StartTimeout);
        IntermediatesPem = await http.GetStringAsync($"{ManagementUrl}/intermediates/0");
        await Eventually.Succeeds(() => http.GetStringAsync(DirectoryUrl), StartTimeout);
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await Dns.DisposeAsync();
        _dir.Dispose();
    }
}
