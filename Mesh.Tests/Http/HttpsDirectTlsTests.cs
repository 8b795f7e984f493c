using System.Security.Cryptography;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>
/// https ports with TLS on the accepted socket (Mesh:Gateway:DirectTls, the default) against
/// Kestrel's TLS stage: the same answers over HTTP/1.1 and h2, and a client that leaves while the
/// app is slow still gives its slot back, though no transport read loop is watching its socket.
/// </summary>
public sealed class HttpsDirectTlsTests
{
    private const string OneSlot = "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    soft_limit = 1\n    hard_limit = 1\n";

    private static Task<CliResult> Curl(string v4, string host, params string[] args) =>
        Tool.RunAsync("curl", ["-s", "-k", "--max-time", "50", "--resolve", $"{host}:443:{v4}", .. args]);

    [Fact]
    public async Task A_tls_request_at_a_full_hard_limit_is_served_once_the_holders_client_goes_away()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("tls-wait-1");
        var (app, v4) = await edge.DeployWithV4Async("tlswaits", OneSlot, ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("tlswaits.example.test", null, null);
        // The app holds /slow for 30 s: a queue timeout under that fails the test unless the holder's leaving frees the slot.
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:QueueTimeout=00:00:20");
        await edge.SyncedAsync();

        // HTTP/1.1: the fast path, which reads the client only between requests. The holder's request waits on the app for as long as its client stays; killing curl closes
        // its socket while the gateway reads nothing from it.
        var holder = RunningProcess.Start("curl", ["-s", "-k", "--http1.1", "--max-time", "50", "--resolve", $"tlswaits.example.test:443:{v4}", "https://tlswaits.example.test/slow"]);
        await echo.SlowStarted.WaitAsync(TimeSpan.FromSeconds(60));
        var waiting = Curl(v4, "tlswaits.example.test", "-i", "--http1.1", "https://tlswaits.example.test/");
        await Eventually.Until(() => gateway.CounterAsync("upstream.queued"), n => n >= 1, TimeSpan.FromSeconds(30));
        await holder.DisposeAsync();

        var answer = await waiting;
        Assert.StartsWith("HTTP/1.1 200", answer.Stdout);
        Assert.Contains("instance=tls-wait-1", answer.Stdout);
        Assert.Equal(0, await gateway.CounterAsync("error.limit_reached"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Http11_keep_alive_and_h2_are_served_with_tls_on_the_socket_or_through_kestrels_stage(bool direct)
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("tls-both-1");
        var (app, v4) = await edge.DeployWithV4Async("tlsboth", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("tlsboth.example.test", null, null);
        var gateway = await edge.StartGatewayAsync("ams", $"--Mesh:Gateway:DirectTls={direct}");
        await edge.SyncedAsync();

        // Two requests on one connection (curl reuses it), then h2 by ALPN.
        var h1 = await Curl(v4, "tlsboth.example.test", "--http1.1", "-w", "[%{http_version} %{num_connects}]\n",
            "https://tlsboth.example.test/one", "https://tlsboth.example.test/two");
        Assert.Equal(2, h1.Stdout.Split("instance=tls-both-1").Length - 1);
        Assert.Contains("[1.1 1]", h1.Stdout);
        Assert.Contains("[1.1 0]", h1.Stdout);
        var h2 = await Curl(v4, "tlsboth.example.test", "--http2", "-w", "[%{http_version}]", "https://tlsboth.example.test/");
        Assert.Contains("instance=tls-both-1", h2.Stdout);
        Assert.Contains("[2]", h2.Stdout);
        Assert.Equal(0, await gateway.CounterAsync("error.tls_handshake"));
        // With TLS on the socket, OpenSSL's own record layer served both connections; Kestrel's stage needs none.
        Assert.Equal(direct ? 2 : 0, await gateway.CounterAsync("tls.handshakes_native"));
    }

    [Fact]
    public async Task Large_bodies_cross_openssls_record_layer_whole_both_ways_over_http11_and_h2()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("tls-big-1");
        var (app, v4) = await edge.DeployWithV4Async("tlsbig", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("tlsbig.example.test", null, null);
        var gateway = await edge.StartGatewayAsync("ams");
        await edge.SyncedAsync();

        // Sizes that are multiples of no buffer or record size: the answer outgrows the write buffer
        // and the socket's send buffer, the upload the read buffer, many times over.
        const int size = 3_000_017;
        const int uploadSize = 1_048_583;
        var expected = Convert.ToHexStringLower(SHA256.HashData(HttpEchoApp.Pattern(size)));
        var upload = Path.GetTempFileName();
        var download = Path.GetTempFileName();
        try
        {
            await File.WriteAllBytesAsync(upload, HttpEchoApp.Pattern(uploadSize));
            foreach (var version in new[] { "--http1.1", "--http2" })
            {
                var get = await Curl(v4, "tlsbig.example.test", version, "-o", download, "-w", "%{http_code} %{size_download}", $"https://tlsbig.example.test/bytes?n={size}");
                Assert.Equal($"200 {size}", get.Stdout);
                Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(download))));
                var post = await Curl(v4, "tlsbig.example.test", version, "--data-binary", "@" + upload, "https://tlsbig.example.test/up");
                Assert.Contains($"body={uploadSize}", post.Stdout);
            }
        }
        finally
        {
            File.Delete(upload);
            File.Delete(download);
        }
        Assert.Equal(4, await gateway.CounterAsync("tls.handshakes_native"));
    }

    private const string Request = "GET / HTTP/1.1\r\nHost: {0}\r\nConnection: close\r\n\r\n";

    private static Task<CliResult> SClientRequest(string v4, string host, params string[] flags) =>
        Tool.RunAsync("openssl", ["s_client", "-connect", $"{v4}:443", "-servername", host, "-ign_eof", .. flags], stdin: string.Format(System.Globalization.CultureInfo.InvariantCulture, Request, host));

    [Fact]
    public async Task A_certificate_to_staple_is_served_by_sslstream_with_its_staple_after_the_native_attempt_read_the_client_hello()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("tls-staple-1");
        await using var responder = await OcspResponder.StartAsync("staple.example.test");
        var (app, v4) = await edge.DeployWithV4Async("tlsstaple", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        await app.AddCertificateSkippingOwnershipCheck("staple.example.test", responder.ChainPem, responder.KeyPem);
        var gateway = await edge.StartGatewayAsync("ams");
        await edge.SyncedAsync();

        var stapled = await Eventually.Succeeds(async () =>
        {
            var r = await SClientRequest(v4, "staple.example.test", "-status", "-CAfile", responder.RootFile);
            return r.Stdout.Contains("OCSP Response Status: successful", StringComparison.Ordinal) ? r : throw new TimeoutException("no staple yet:\n" + r.Stdout + "\nresponder:\n" + responder.Output);
        }, TimeSpan.FromSeconds(60));
        Assert.Contains("Verify return code: 0 (ok)", stapled.Stdout);
        // The request the client sent after its handshake was answered over the replayed handshake.
        Assert.Contains("HTTP/1.1 200", stapled.Stdout);
        Assert.Contains("instance=tls-staple-1", stapled.Stdout);
        Assert.True(await gateway.CounterAsync("tls.handshakes_sslstream") >= 1);
        Assert.Equal(0, await gateway.CounterAsync("tls.handshakes_native"));
    }

    [Fact]
    public async Task A_tls_session_resumes_for_its_own_certificate_and_never_for_another_apps()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echoA = await HttpEchoApp.StartAsync("tls-resume-a");
        await using var echoB = await HttpEchoApp.StartAsync("tls-resume-b");
        var (appA, v4A) = await edge.DeployWithV4Async("tlsresumea", "[http_service]\n  internal_port = 8080\n", ("ams", echoA.Address));
        var (appB, v4B) = await edge.DeployWithV4Async("tlsresumeb", "[http_service]\n  internal_port = 8080\n", ("ams", echoB.Address));
        await appA.AddCertificateSkippingOwnershipCheck("a.resume.test", null, null);
        await appB.AddCertificateSkippingOwnershipCheck("b.resume.test", null, null);
        var gateway = await edge.StartGatewayAsync("ams");
        await edge.SyncedAsync();
        var session = Path.Combine(Path.GetTempPath(), $"mesh-session-{Guid.NewGuid():n}.pem");
        try
        {
            // TLS 1.2: the ticket arrives inside the handshake, so s_client has it to save.
            var first = await SClientRequest(v4A, "a.resume.test", "-tls1_2", "-sess_out", session);
            Assert.Contains("New, TLSv1.2", first.Stdout);
            Assert.Contains("instance=tls-resume-a", first.Stdout);

            var again = await SClientRequest(v4A, "a.resume.test", "-tls1_2", "-sess_in", session);
            Assert.Contains("Reused, TLSv1.2", again.Stdout);
            Assert.Contains("instance=tls-resume-a", again.Stdout);

            // The same ticket offered to another app's address and name: a full handshake with that app's certificate.
            var other = await SClientRequest(v4B, "b.resume.test", "-tls1_2", "-sess_in", session);
            Assert.Contains("New, TLSv1.2", other.Stdout);
            Assert.Contains("CN = b.resume.test", other.Stdout);
            Assert.Contains("instance=tls-resume-b", other.Stdout);
            Assert.Equal(3, await gateway.CounterAsync("tls.handshakes_native"));
        }
        finally
        {
            File.Delete(session);
        }
    }
}
