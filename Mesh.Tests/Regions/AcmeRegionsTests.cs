using System.Diagnostics;
using System.Text.Json;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Mesh.Tests.Regions;

/// <summary>
/// Managed certificates in the three-region mesh of <c>deploy/mesh-regions up --acme</c>: Pebble
/// in the internet namespace validates through sin's gateway (its route to the anycast prefixes),
/// while the order is started through ams's API (and, for HTTP-01, runs in another region's silo:
/// sin's is stopped); every region's gateway then serves the trusted certificate, and a forced
/// renewal reaches all three.
/// </summary>
[Collection(RegionsTests.Name)]
public sealed class AcmeRegionsTests(ITestOutputHelper output)
{
    private const string SharedV4 = "198.18.0.1";
    private static readonly TimeSpan Issuance = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Certificates_validated_through_sin_are_served_trusted_by_every_region_and_a_renewal_reaches_all_three()
    {
        await using var mesh = await RegionsMesh.UpAsync("--acme");
        using var dir = new TempDir();
        var root = Path.Combine(dir.Path, "pebble-root.pem");
        var fetched = await RegionsMesh.RunAsync("acme-root");
        Assert.True(fetched.ExitCode == 0, fetched.Stderr);
        await File.WriteAllTextAsync(root, fetched.Stdout);
        // The CLI talks to the first region's API (ams); the CA reaches the last region's gateway (sin).
        Assert.Equal("sin", (await File.ReadAllTextAsync($"{RegionsMesh.StateDir}/acme/region")).Trim());
        Assert.Contains("via 10.99.0.13 ", (await mesh.ExecAsync("internet", "ip", "route", "get", SharedV4)).Stdout);

        // TLS-ALPN-01: the shared IPv4 offers 443.
        const string host = "www.hello.test";
        var ready = await IssueAsync(mesh, host, "hello", SharedV4);
        Assert.Equal("tls-alpn-01", ready.GetProperty("challenge").GetString());
        var first = ready.GetProperty("sha256Fingerprint").GetString()!;
        foreach (var region in new[] { "ams", "iad" })
        {
            await Eventually.Until(() => ServedFingerprintAsync(mesh, region, SharedV4, 443, host), f => f == first, Propagation);
            Assert.Contains("Verify return code: 0 (ok)", await VerifyAsync(mesh, region, SharedV4, 443, host, root));
        }

        // A forced renewal: every region's gateway serves the new certificate.
        var clock = Stopwatch.StartNew();
        var renew = await mesh.CliAsync("certs", "renew", host, "-a", "hello");
        Assert.True(renew.ExitCode == 0, renew.Stderr);
        var renewed = await Eventually.Until(() => ShowAsync(mesh, host, "hello"),
            s => s.GetProperty("sha256Fingerprint").GetString() != first && s.GetProperty("status").GetString() == "ready", Issuance);
        var readyAfter = clock.Elapsed;
        var second = renewed.GetProperty("sha256Fingerprint").GetString()!;
        foreach (var region in RegionsMesh.Regions)
        {
            await Eventually.Until(() => ServedFingerprintAsync(mesh, region, SharedV4, 443, host), f => f == second, Propagation);
        }
        output.WriteLine($"certs renew -> ready {readyAfter.TotalMilliseconds:0} ms, -> served by all three regions' gateways {clock.ElapsedMilliseconds} ms");
        Assert.Contains("Verify return code: 0 (ok)", await VerifyAsync(mesh, "iad", SharedV4, 443, host, root));

        // HTTP-01: an app on a dedicated IPv4 only, HTTP on 80 and TLS on 8443 (not 443: no TLS-ALPN-01).
        // sin's silo is stopped first: the order runs in ams or iad, and the CA still reaches sin's gateway.
        await OkAsync(RegionsMesh.RunAsync("stop", "silo-sin"));
        var toml = Path.Combine(dir.Path, "plain.toml");
        await File.WriteAllTextAsync(toml, "app = \"plain\"\n[[services]]\n  internal_port = 8080\n  [[services.ports]]\n    port = 80\n    handlers = [\"http\"]\n"
            + "  [[services.ports]]\n    port = 8443\n    handlers = [\"tls\", \"http\"]\n");
        await OkAsync(mesh.CliAsync("apps", "create", "plain"));
        await OkAsync(mesh.CliAsync("deploy", "-a", "plain", "-c", toml));
        var v4 = JsonDocument.Parse(await OkAsync(mesh.CliAsync("ips", "allocate-v4", "-a", "plain", "--json"))).RootElement.GetProperty("address").GetString()!;
        await OkAsync(mesh.CliAsync("ips", "release", SharedV4, "-a", "plain"));
        await OkAsync(RegionsMesh.RunAsync("add-instance", "plain", "ams"));
        // sin's gateway has the app's routes (its table subscription outlived its silo's stop).
        await Eventually.Until(() => mesh.CurlAsync("c-sin", $"http://{v4}/"), b => b.Contains("via=sin"), Propagation);
        const string plain = "plain.hello.test";
        var plainReady = await IssueAsync(mesh, plain, "plain", v4);
        Assert.Equal("http-01", plainReady.GetProperty("challenge").GetString());
        Assert.DoesNotContain($"certificate {plain}: ordering", await File.ReadAllTextAsync($"{RegionsMesh.StateDir}/logs/silo-sin.log"));
        var plainPrint = plainReady.GetProperty("sha256Fingerprint").GetString()!;
        await Eventually.Until(() => ServedFingerprintAsync(mesh, "ams", v4, 8443, plain), f => f == plainPrint, Propagation);
        Assert.Contains("Verify return code: 0 (ok)", await VerifyAsync(mesh, "ams", v4, 8443, plain, root));
    }

    /// <summary>Points DNS at the app's address, adds the hostname through ams's API and waits until it is ready.</summary>
    private async Task<JsonElement> IssueAsync(RegionsMesh mesh, string host, string app, string address)
    {
        await OkAsync(RegionsMesh.RunAsync("acme-dns", host, address));
        var clock = Stopwatch.StartNew();
        var added = await OkAsync(mesh.CliAsync("certs", "add", host, "-a", app));
        output.WriteLine(added);
        var ready = await Eventually.Until(() => ShowAsync(mesh, host, app),
            s => s.GetProperty("source").GetString() == "acme" && s.GetProperty("status").GetString() == "ready", Issuance);
        output.WriteLine($"certs add {host} (DNS correct) -> ready {clock.ElapsedMilliseconds} ms ({ready.GetProperty("challenge").GetString()})");
        foreach (var region in RegionsMesh.Regions)
        {
            var log = await File.ReadAllTextAsync($"{RegionsMesh.StateDir}/logs/silo-{region}.log");
            foreach (var line in log.Split('\n').Where(l => l.Contains(host, StringComparison.Ordinal))) output.WriteLine($"silo-{region}: {line}");
        }
        return ready;
    }

    private static async Task<JsonElement> ShowAsync(RegionsMesh mesh, string host, string app) =>
        JsonDocument.Parse(await OkAsync(mesh.CliAsync("certs", "show", host, "-a", app, "--json"))).RootElement.Clone();

    private static async Task<string> OkAsync(Task<CliResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, $"{result.Stdout}\n{result.Stderr}");
        return result.Stdout;
    }

    /// <summary>What a client in <paramref name="region"/> sees: openssl's verification against Pebble's root.</summary>
    private static async Task<string> VerifyAsync(RegionsMesh mesh, string region, string address, int port, string host, string root) =>
        (await mesh.ExecAsync($"c-{region}", "bash", "-c",
            $"openssl s_client -connect {address}:{port} -servername {host} -verify_return_error -CAfile {root} < /dev/null 2>&1")).Stdout;

    /// <summary>The SHA-256 fingerprint (lowercase hex) of the certificate a client in <paramref name="region"/> is served.</summary>
    private static async Task<string> ServedFingerprintAsync(RegionsMesh mesh, string region, string address, int port, string host)
    {
        var result = await mesh.ExecAsync($"c-{region}", "bash", "-c",
            $"openssl s_client -connect {address}:{port} -servername {host} < /dev/null 2> /dev/null | openssl x509 -noout -fingerprint -sha256");
        var line = result.Stdout.Trim();
        return line.Contains('=') ? line[(line.IndexOf('=') + 1)..].Replace(":", "").ToLowerInvariant() : "";
    }
}
