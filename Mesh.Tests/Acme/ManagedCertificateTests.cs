using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mesh.Tests.Acme;

/// <summary>
/// The whole managed-certificate flow against a real CA: Pebble (nonce rejection on), its
/// challtestsrv as the DNS both the CA and the ownership check ask, a real silo and gateway on
/// the shared IPv4's ports 80/443, and the real CLI and openssl.
/// </summary>
[Collection(ProcessTests.Name)]
public sealed class ManagedCertificateTests(ITestOutputHelper output)
{
    private const string Toml = "app = \"x\"\n[http_service]\n  internal_port = 8080\n";

    private static Dictionary<string, string> Settings(string directory, string? trustedRoots, string resolver) => new()
    {
        ["Mesh__Acme__Directory"] = directory,
        ["Mesh__Acme__Email"] = "ops@mesh.test",
        ["Mesh__Acme__TrustedRoots"] = trustedRoots ?? "",
        ["Mesh__Acme__Resolver"] = resolver,
        ["Mesh__Certificates__FirstRetry"] = "00:00:00.200",
        ["Mesh__Certificates__MaxRetry"] = "00:00:01",
    };

    private static async Task<JsonElement> ShowAsync(MeshCli mesh, string host, string app) =>
        JsonDocument.Parse(await mesh.OkAsync("certs", "show", host, "-a", app, "--json")).RootElement.Clone();

    private static async Task<MeshCli> DeployAsync(EmbeddedEdge edge, string app, string toml, string instanceAddress)
    {
        var mesh = MeshCli.ForDataDir(edge.DataDir);
        var file = Path.Combine(edge.DataDir, $"{app}.toml");
        await File.WriteAllTextAsync(file, toml);
        await mesh.OkAsync("apps", "create", app);
        await mesh.OkAsync("deploy", "-a", app, "-c", file);
        await mesh.OkAsync("instances", "add", "-a", app, "--region", "ams", "--address", instanceAddress);
        return mesh;
    }

    [Fact]
    public async Task Dns_at_the_app_gets_a_trusted_certificate_and_a_forced_renewal_swaps_it_under_an_open_connection()
    {
        await using var pebble = await Pebble.StartAsync(new PebbleSettings(HttpPort: 80, TlsPort: 443));
        await using var edge = await EmbeddedEdge.StartAsync(env: Settings(pebble.DirectoryUrl, pebble.TrustedRootsPath, pebble.Dns.DnsAddress));
        await using var web = await HttpEchoApp.StartAsync("managed-1");
        var mesh = await DeployAsync(edge, "managed", Toml, web.Address);
        await edge.StartGatewayAsync();
        const string host = "www.managed.test";
        await pebble.Dns.AddAAsync(host, "10.9.9.9");

        await mesh.OkAsync("certs", "add", host, "-a", "managed");
        var waiting = await Eventually.Until(() => ShowAsync(mesh, host, "managed"),
            s => s.GetProperty("lastError").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(30));
        Assert.Equal("awaiting_dns", waiting.GetProperty("status").GetString());
        Assert.Contains("resolves to 10.9.9.9", waiting.GetProperty("lastError").GetString());
        Assert.DoesNotContain($"certificate {host}: ordering", edge.Silo.Process.Output);

        await pebble.Dns.ClearAAsync(host);
        await pebble.Dns.AddAAsync(host, edge.SharedV4);
        var clock = Stopwatch.StartNew();
        await mesh.OkAsync("certs", "check", host, "-a", "managed");
        var ready = await Eventually.Until(() => ShowAsync(mesh, host, "managed"),
            s => s.GetProperty("source").GetString() == "acme" && s.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(90));
        var issuedAfter = clock.Elapsed;
        foreach (var line in edge.Silo.Process.Output.Split('\n').Where(l => l.Contains("ACME", StringComparison.Ordinal))) output.WriteLine(line);
        Assert.Equal("tls-alpn-01", ready.GetProperty("challenge").GetString());
        Assert.Contains("Pebble", ready.GetProperty("issuer").GetString());
        Assert.Contains(host, ready.GetProperty("sans").EnumerateArray().Select(e => e.GetString()));
        var roots = Path.Combine(edge.DataDir, "pebble-root.pem");
        await File.WriteAllTextAsync(roots, pebble.RootsPem);

        var first = ready.GetProperty("sha256Fingerprint").GetString()!;
        await Eventually.Until(() => ServedFingerprintAsync(edge.SharedV4, host), f => f == first, TimeSpan.FromSeconds(30));
        output.WriteLine($"certs check with DNS correct -> ready {issuedAfter.TotalMilliseconds:0} ms, -> served by the gateway {clock.ElapsedMilliseconds} ms");
        var verified = await VerifyAsync(edge.SharedV4, host, roots);
        Assert.Contains("Verify return code: 0 (ok)", verified.Stdout);

        // A connection opened before the renewal keeps working on the old certificate.
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(edge.SharedV4, 443);
        await using var open = new SslStream(tcp.GetStream());
        await open.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = host,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        Assert.Contains("managed-1", await GetAsync(open, host));

        clock.Restart();
        await mesh.OkAsync("certs", "renew", host, "-a", "managed");
        var renewed = await Eventually.Until(() => ShowAsync(mesh, host, "managed"),
            s => s.GetProperty("sha256Fingerprint").GetString() != first && s.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(90));
        var second = renewed.GetProperty("sha256Fingerprint").GetString()!;
        await Eventually.Until(() => ServedFingerprintAsync(edge.SharedV4, host), f => f == second, TimeSpan.FromSeconds(30));
        output.WriteLine($"certs renew -> the gateway serving the new certificate {clock.ElapsedMilliseconds} ms");

        Assert.Contains("managed-1", await GetAsync(open, host));
        Assert.Equal(first, Convert.ToHexString(SHA256.HashData(open.RemoteCertificate!.GetRawCertData())).ToLowerInvariant());
        Assert.Contains("Verify return code: 0 (ok)", (await VerifyAsync(edge.SharedV4, host, roots)).Stdout);

        // The operator scrapes the silo's counters: one issuance, one renewal, and the days left on the served certificate.
        using var api = new Mesh.Tests.Api.ApiClient(Mesh.Tests.Api.ApiSilo.UrlOf(edge.Silo), (await File.ReadAllTextAsync(Path.Combine(edge.DataDir, "operator.token"))).Trim(), null);
        var metrics = await api.GetAsync("/v1/metrics");
        Assert.Equal(System.Net.HttpStatusCode.OK, metrics.Status);
        Assert.Matches(@"(?m)^mesh_certificate_issuances [1-9]", metrics.Body);
        Assert.Matches(@"(?m)^mesh_certificate_renewals [1-9]", metrics.Body);
        Assert.Contains($"mesh_certificate_days_to_expiry{{hostname=\"{host}\"}} ", metrics.Body);
    }

    [Fact]
    public async Task An_app_serving_only_http_on_80_is_validated_by_http01()
    {
        await using var pebble = await Pebble.StartAsync(new PebbleSettings(HttpPort: 80, TlsPort: 443));
        await using var edge = await EmbeddedEdge.StartAsync(env: Settings(pebble.DirectoryUrl, pebble.TrustedRootsPath, pebble.Dns.DnsAddress));
        await using var web = await HttpEchoApp.StartAsync("plain-1");
        var toml = "app = \"x\"\n[[services]]\n  internal_port = 8080\n  [[services.ports]]\n    port = 80\n    handlers = [\"http\"]\n";
        var mesh = await DeployAsync(edge, "plain", toml, web.Address);
        using var ips = JsonDocument.Parse(await mesh.OkAsync("ips", "allocate-v4", "-a", "plain", "--json"));
        var v4 = ips.RootElement.GetProperty("address").GetString()!;
        // Only the dedicated IPv4 (port 80 http): release the shared one so tls-alpn-01 is not offered.
        await mesh.OkAsync("ips", "release", edge.SharedV4, "-a", "plain");
        await edge.StartGatewayAsync();
        const string host = "plain.managed.test";
        await pebble.Dns.AddAAsync(host, v4);

        var added = await mesh.OkAsync("certs", "add", host, "-a", "plain");
        Assert.Contains($"A      {host}  {v4}", added);
        var ready = await Eventually.Until(() => ShowAsync(mesh, host, "plain"),
            s => s.GetProperty("source").GetString() == "acme" && s.GetProperty("status").GetString() == "ready", TimeSpan.FromSeconds(90));
        Assert.Equal("http-01", ready.GetProperty("challenge").GetString());
    }

    [Fact]
    public async Task An_unreachable_ca_is_retried_and_shown_while_the_hostname_keeps_its_certificate()
    {
        await using var dns = await ChallTestServer.StartAsync();
        var closed = $"https://127.0.0.1:{FreePort.Next()}/dir";
        await using var edge = await EmbeddedEdge.StartAsync(env: Settings(closed, null, dns.DnsAddress));
        await using var web = await HttpEchoApp.StartAsync("down-1");
        var mesh = await DeployAsync(edge, "down", Toml, web.Address);
        await edge.StartGatewayAsync();
        const string host = "down.managed.test";
        await dns.AddAAsync(host, edge.SharedV4);

        await mesh.OkAsync("certs", "add", host, "-a", "down");
        var failed = await Eventually.Until(() => ShowAsync(mesh, host, "down"),
            s => s.GetProperty("status").GetString() == "failed" && s.GetProperty("lastError").ValueKind == JsonValueKind.String, TimeSpan.FromSeconds(60));
        Assert.True(failed.GetProperty("ownershipVerified").GetBoolean());
        Assert.Equal(JsonValueKind.String, failed.GetProperty("nextAttempt").ValueKind);
        Assert.Equal("self-signed", failed.GetProperty("source").GetString());
        output.WriteLine($"last_error: {failed.GetProperty("lastError").GetString()}");

        // Ownership is shown, so the hostname routes on its self-signed certificate meanwhile.
        await edge.SyncedAsync();
        var routed = await Tool.RunAsync("curl", ["-sk", "--max-time", "5", "--resolve", $"{host}:443:{edge.SharedV4}", $"https://{host}/"]);
        Assert.True(routed.ExitCode == 0, routed.Stderr);
        Assert.Contains("down-1", routed.Stdout);
        Assert.Contains("failed", await mesh.OkAsync("certs", "list", "-a", "down"));
        Assert.False(edge.Silo.Process.HasExited);
    }

    // Without -ign_eof: the end of stdin ends the session (the gateway waits for a request on an HTTP port).
    private static Task<CliResult> VerifyAsync(string address, string host, string caFile) =>
        Tool.RunAsync("openssl", ["s_client", "-connect", $"{address}:443", "-servername", host, "-verify_return_error", "-CAfile", caFile], stdin: "");

    private static async Task<string> ServedFingerprintAsync(string address, string host)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address, 443);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host, RemoteCertificateValidationCallback = (_, _, _, _) => true });
        return Convert.ToHexString(SHA256.HashData(tls.RemoteCertificate!.GetRawCertData())).ToLowerInvariant();
    }

    /// <summary>One HTTP/1.1 request on a kept-alive connection; returns the whole response (Content-Length or chunked body).</summary>
    private static async Task<string> GetAsync(SslStream stream, string host)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.1\r\nHost: {host}\r\n\r\n"));
        var received = new List<byte>();
        var buffer = new byte[16384];
        while (true)
        {
            var text = Encoding.ASCII.GetString(received.ToArray());
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                var headers = text[..end].Split("\r\n").Select(l => l.Split(':', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim().ToLowerInvariant(), p => p[1].Trim());
                var complete = headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase)
                    ? text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal)
                    : received.Count >= end + 4 + (headers.TryGetValue("content-length", out var length) ? int.Parse(length) : 0);
                if (complete) return text;
            }
            var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (read == 0) return text;
            received.AddRange(buffer.AsSpan(0, read).ToArray());
        }
    }
}
