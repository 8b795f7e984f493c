using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>The http handler through a real gateway, with curl and real HTTP apps.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class HttpGatewayTests
{
    private const string WebConfig = "[http_service]\n  internal_port = 8080\n";

    private static Task<(IAppGrain App, string V4)> DeployAsync(EmbeddedEdge edge, string name, string config, params (string Region, HttpEchoApp App)[] instances) =>
        edge.DeployWithV4Async(name, config, [.. instances.Select(i => (i.Region, i.App.Address))]);

    private static Task<CliResult> Curl(params string[] args) => Tool.RunAsync("curl", ["-s", "-i", "--max-time", "20", .. args]);

    /// <summary>A response header from <c>curl -i</c> output (the header block only, not the echoed body).</summary>
    private static string Header(string response, string name) =>
        response.Split('\n').Select(l => l.TrimEnd('\r')).TakeWhile(l => l.Length > 0)
            .FirstOrDefault(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))?[(name.Length + 1)..].Trim() ?? "";

    [Fact]
    public async Task Every_client_protocol_reaches_the_app_as_http11_with_the_platform_headers()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("web-1");
        var (app, v4) = await DeployAsync(edge, "web", WebConfig, ("ams", echo));
        await app.AddCertificateSkippingOwnershipCheck("web.example.test", null, null);
        await edge.StartGatewayAsync();
        var resolve = $"web.example.test:443:{v4}";

        foreach (var (args, clientProto) in new (string[], string)[]
        {
            (["--http1.0", $"http://{v4}/p?q=1"], "http"),
            (["--http1.1", $"http://{v4}/p?q=1"], "http"),
            (["--http2-prior-knowledge", $"http://{v4}/p?q=1"], "http"),
            (["-k", "--http2", "--resolve", resolve, "https://web.example.test/p?q=1"], "https"),
            (["-k", "--http1.1", "--resolve", resolve, "https://web.example.test/p?q=1"], "https"),
        })
        {
            var r = await Curl([.. args, "-H", "Fly-Client-IP: 6.6.6.6", "-H", "Fly-Region: xxx", "-H", "X-Forwarded-Proto: gopher", "-H", "X-Forwarded-For: 1.2.3.4", "-H", "Fly-Something: spoof"]);
            var body = r.Stdout;
            Assert.Contains("instance=web-1", body);
            Assert.Contains("GET /p?q=1 HTTP/1.1", body);
            Assert.Contains("Fly-Client-IP: 127.0.0.1", body);
            Assert.Contains("X-Forwarded-For: 1.2.3.4, 127.0.0.1", body);
            Assert.Contains($"X-Forwarded-Proto: {clientProto}", body);
            Assert.Contains($"X-Forwarded-SSL: {(clientProto == "https" ? "on" : "off")}", body);
            Assert.Contains($"Fly-Forwarded-Port: {(clientProto == "https" ? 443 : 80)}", body);
            Assert.Contains("Fly-Region: ams", body);
            Assert.DoesNotContain("Fly-Something", body);
            Assert.DoesNotContain("6.6.6.6", body);
            Assert.Matches("Fly-Request-Id: [0-9A-F]{26}-ams", body);
            Assert.Contains("X-Request-Start: t=", body);
            Assert.Contains("mesh", Header(body, "Via"));
            Assert.EndsWith("-ams", Header(body, "fly-request-id"));
            Assert.Equal("Mesh", Header(body, "Server"));
        }
    }

    [Fact]
    public async Task Force_https_redirects_and_shared_address_routes_by_host()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var a = await HttpEchoApp.StartAsync("a-1");
        await using var b = await HttpEchoApp.StartAsync("b-1");
        var (appA, v4) = await DeployAsync(edge, "app-a", "[http_service]\n  internal_port = 8080\n  force_https = true\n", ("ams", a));
        var appB = edge.Grains.GetGrain<IAppGrain>("app-b");
        await appB.Create("personal");
        await appB.Deploy(WebConfig);
        await appB.AddInstance(new InstanceRegistration("ams", b.Address, []));
        var shared = (await appB.ListIps()).Single(i => i.Kind == IpKind.SharedV4).Address;
        await appA.AddCertificateSkippingOwnershipCheck("a.example.test", null, null);
        await appB.AddCertificateSkippingOwnershipCheck("b.example.test", null, null);
        await edge.StartGatewayAsync();

        var redirect = await Curl($"http://{v4}:80/path?x=1", "-H", "Host: a.example.test:80");
        Assert.StartsWith("HTTP/1.1 301", redirect.Stdout);
        Assert.Equal("https://a.example.test/path?x=1", Header(redirect.Stdout, "Location"));

        Assert.Contains("instance=b-1", (await Curl($"http://{shared}/", "-H", "Host: b.example.test")).Stdout);
        var unknown = await Curl($"http://{shared}/", "-H", "Host: nobody.example.test");
        Assert.StartsWith("HTTP/1.1 404", unknown.Stdout);
        Assert.Contains("nobody.example.test", unknown.Stdout);
        Assert.Contains("request id", unknown.Stdout);
        Assert.Contains("instance=a-1", (await Curl("-k", "--resolve", $"a.example.test:443:{shared}", "https://a.example.test/")).Stdout);
        var misdirected = await Curl("-k", "--http1.1", "--resolve", $"a.example.test:443:{shared}", "https://a.example.test/", "-H", "Host: b.example.test");
        Assert.StartsWith("HTTP/1.1 421", misdirected.Stdout);
    }

    [Fact]
    public async Task Region_and_instance_steering_with_fallbacks()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var ams = await HttpEchoApp.StartAsync("ams-1");
        await using var iad = await HttpEchoApp.StartAsync("iad-1");
        var (app, v4) = await DeployAsync(edge, "steer", WebConfig, ("ams", ams), ("iad", iad));
        var iadId = (await app.ListInstances()).Single(i => i.Region == "iad").Id;
        await edge.StartGatewayAsync();
        async Task<string> Get(params string[] headers) => (await Curl([$"http://{v4}/", .. headers.SelectMany(h => new[] { "-H", h })])).Stdout;

        Assert.Contains("instance=ams-1", await Get());
        Assert.Contains("instance=iad-1", await Get("Fly-Prefer-Region: iad"));
        Assert.Contains("instance=iad-1", await Get("Fly-Prefer-Region: syd, na"));
        Assert.Contains("instance=ams-1", await Get("Fly-Prefer-Region: syd"));
        Assert.StartsWith("HTTP/1.1 503", await Get("Fly-Force-Region: syd"));
        Assert.Contains("instance=iad-1", await Get("Fly-Force-Region: iad"));
        Assert.Contains("instance=iad-1", await Get($"Fly-Prefer-Instance-Id: {iadId}"));
        var fallback = await Get("Fly-Prefer-Instance-Id: ffffffffffffff");
        Assert.Contains("instance=ams-1", fallback);
        Assert.Contains("Fly-Preferred-Instance-Unavailable: ffffffffffffff", fallback);
        Assert.StartsWith("HTTP/1.1 503", await Get("Fly-Force-Instance-Id: ffffffffffffff"));
        Assert.Contains("instance=iad-1", await Get($"Fly-Force-Instance-Id: {iadId}"));
    }

    [Fact]
    public async Task Fly_replay_resends_the_request_to_the_target_and_stops_after_ten_hops()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var ams = await HttpEchoApp.StartAsync("ams-1");
        await using var iad = await HttpEchoApp.StartAsync("iad-1");
        await using var other = await HttpEchoApp.StartAsync("other-1");
        var (app, v4) = await DeployAsync(edge, "replayer", WebConfig, ("ams", ams), ("iad", iad));
        var iadId = (await app.ListInstances()).Single(i => i.Region == "iad").Id;
        await DeployAsync(edge, "other", WebConfig, ("ams", other));
        var gateway = await edge.StartGatewayAsync();

        var toRegion = await Curl($"http://{v4}/replay?to=region%3Diad%3Bstate%3Dabc", "-X", "POST", "--data-binary", "payload-123");
        Assert.Contains("instance=iad-1", toRegion.Stdout);
        Assert.Contains("body=11", toRegion.Stdout);
        Assert.Matches("fly-replay-src: instance=[0-9a-f]{14};region=ams;t=[0-9]+;state=abc", toRegion.Stdout);
        Assert.DoesNotContain("replay me", toRegion.Stdout);

        Assert.Contains("instance=iad-1", (await Curl($"http://{v4}/replay?to=instance%3D{iadId}")).Stdout);
        Assert.Contains("instance=other-1", (await Curl($"http://{v4}/replay?to=app%3Dother")).Stdout);

        var loop = await Curl($"http://{v4}/loop");
        Assert.StartsWith("HTTP/1.1 502", loop.Stdout);
        Assert.Contains("replayed more than 10 times", loop.Stdout);
        Assert.True(await gateway.CounterAsync("replayed") >= 13);
    }

    [Fact]
    public async Task Response_header_rules_and_pristine()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("hdr-1");
        var config = "[[services]]\n  internal_port = 8080\n  [[services.ports]]\n    port = 8081\n    handlers = [\"http\"]\n"
            + "    [services.ports.http_options.response.headers]\n      X-App = false\n      X-Frame-Options = \"DENY\"\n      X-Multi = [\"a\", \"b\"]\n"
            + "  [[services.ports]]\n    port = 8082\n    handlers = [\"http\"]\n    [services.ports.http_options.response]\n      pristine = true\n";
        var (_, v4) = await DeployAsync(edge, "headers", config, ("ams", echo));
        await edge.StartGatewayAsync();

        var ruled = (await Curl($"http://{v4}:8081/")).Stdout;
        Assert.Equal("", Header(ruled, "X-App"));
        Assert.Equal("DENY", Header(ruled, "X-Frame-Options"));
        Assert.Contains("X-Multi: a", ruled);
        Assert.Equal("Mesh", Header(ruled, "Server"));
        Assert.NotEqual("", Header(ruled, "Fly-Request-Id"));

        var pristine = (await Curl($"http://{v4}:8082/")).Stdout;
        Assert.Equal("hdr-1", Header(pristine, "X-App"));
        Assert.Equal("", Header(pristine, "Via"));
        Assert.Equal("", Header(pristine, "Fly-Request-Id"));
        Assert.Equal("Kestrel", Header(pristine, "Server"));
    }

    [Fact]
    public async Task Behind_a_proxy_protocol_balancer_the_header_source_is_the_client()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("lb-1");
        var (_, v4) = await DeployAsync(edge, "behind-lb", WebConfig, ("ams", echo));
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:AcceptProxyProtocol=true");

        // What a balancer with send-proxy writes: the client's address (a documentation address, only text here).
        using (var balancer = await Wire.ConnectAsync(v4, 80))
        {
            await balancer.SendAsync(Encoding.ASCII.GetBytes($"PROXY TCP4 203.0.113.7 {v4} 51000 80\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
            var answer = await Wire.ReadToEndAsync(balancer);
            Assert.Contains("Fly-Client-IP: 203.0.113.7", answer);
            Assert.Contains("X-Forwarded-For: 203.0.113.7", answer);
        }
        // Without the header the connection is refused: nobody can bypass the balancer.
        using (var direct = await Wire.ConnectAsync(v4, 80))
        {
            await direct.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
            Assert.Equal("", await Wire.ReadToEndAsync(direct));
        }
        Assert.True(await gateway.CounterAsync("error.proxy_header_invalid") >= 1);
    }

    [Fact]
    public async Task Only_trusted_proxies_may_claim_a_client_address()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("lb-2");
        var (_, v4) = await DeployAsync(edge, "trusted-lb", WebConfig, ("ams", echo));
        var gateway = await edge.StartGatewayAsync("ams", "--Mesh:Gateway:AcceptProxyProtocol=true", "--Mesh:Gateway:TrustedProxies=127.0.0.1/32");
        var request = Encoding.ASCII.GetBytes($"PROXY TCP4 203.0.113.9 {v4} 51000 80\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

        using (var balancer = await Wire.ConnectFromAsync("127.0.0.1", v4, 80))
        {
            await balancer.SendAsync(request);
            Assert.Contains("Fly-Client-IP: 203.0.113.9", await Wire.ReadToEndAsync(balancer));
        }
        // The same header from another address (not a balancer) is closed unanswered, each time counted, logged once.
        for (var i = 0; i < 3; i++)
        {
            using var intruder = await Wire.ConnectFromAsync("127.0.0.77", v4, 80);
            await intruder.SendAsync(request);
            Assert.Equal("", await Wire.ReadToEndAsync(intruder));
        }
        Assert.Equal(3, await gateway.CounterAsync("error.proxy_untrusted_source"));
        await gateway.Process.WaitForLineAsync("proxy_untrusted_source", TimeSpan.FromSeconds(10));
        Assert.Single(gateway.Process.Output.Split('\n'), l => l.Contains("proxy_untrusted_source"));
    }

    [Fact]
    public async Task A_full_hard_limit_is_503_limit_reached_not_no_healthy_instance()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("full-1");
        var (_, v4) = await DeployAsync(edge, "full", "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    soft_limit = 1\n    hard_limit = 1\n", ("ams", echo));
        var gateway = await edge.StartGatewayAsync();

        // /slow holds the one slot for 30 s; once it reached the app, the next request finds the limit full.
        await using var holder = RunningProcess.Start("curl", ["-s", "--max-time", "50", $"http://{v4}/slow"]);
        await echo.SlowStarted.WaitAsync(TimeSpan.FromSeconds(60));
        var answer = await Curl($"http://{v4}/");
        Assert.StartsWith("HTTP/1.1 503", answer.Stdout);
        Assert.Contains("hard limit", answer.Stdout);
        Assert.True(await gateway.CounterAsync("error.limit_reached") >= 1);
        Assert.Equal(0, await gateway.CounterAsync("error.no_healthy_instance"));
    }

    [Fact]
    public async Task Errors_are_mapped_and_carry_the_request_id()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var slow = await HttpEchoApp.StartAsync("slow-1");
        var (app, v4) = await DeployAsync(edge, "errs", WebConfig);
        await edge.StartGatewayAsync("ams", "--Mesh:Gateway:UpstreamTimeout=00:00:01");

        var none = await Curl($"http://{v4}/");
        Assert.StartsWith("HTTP/1.1 503", none.Stdout);
        Assert.Contains("request id", none.Stdout);
        Assert.NotEqual("", Header(none.Stdout, "Fly-Request-Id"));

        var dead = await app.AddInstance(new InstanceRegistration("ams", $"127.0.0.1:{FreePort.Next()}", []));
        await edge.SyncedAsync();
        Assert.StartsWith("HTTP/1.1 502", (await Curl($"http://{v4}/", "-X", "POST", "-d", "x")).Stdout);

        await edge.Grains.GetGrain<IInstanceGrain>(dead.Id).Remove();
        await app.AddInstance(new InstanceRegistration("ams", slow.Address, []));
        await edge.SyncedAsync();
        Assert.StartsWith("HTTP/1.1 504", (await Curl($"http://{v4}/slow")).Stdout);
        Assert.Contains("instance=slow-1", (await Curl($"http://{v4}/fast")).Stdout);
    }

    [Fact]
    public async Task Malformed_and_oversized_requests_get_4xx_and_the_gateway_keeps_serving()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("ok-1");
        var (_, v4) = await DeployAsync(edge, "limits", WebConfig, ("ams", echo));
        await edge.StartGatewayAsync();

        using (var raw = await Wire.ConnectAsync(v4, 80))
        {
            await raw.SendAsync(Encoding.ASCII.GetBytes("GARBAGE\0\0 nonsense\r\n\r\n"));
            Assert.StartsWith("HTTP/1.1 400", await Wire.ReadToEndAsync(raw));
        }
        var huge = await Curl($"http://{v4}/", "-H", "X-Big: " + new string('a', 70_000));
        Assert.StartsWith("HTTP/1.1 431", huge.Stdout);
        Assert.Contains("instance=ok-1", (await Curl($"http://{v4}/")).Stdout);
    }

    [Fact]
    public async Task WebSockets_pass_through_443_and_h2_backend_reaches_an_h2c_app()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var ws = await HttpEchoApp.StartAsync("ws-1");
        await using var grpcLike = await HttpEchoApp.StartAsync("h2-1", h2cOnly: true);
        var (app, v4) = await DeployAsync(edge, "sockets", WebConfig, ("ams", ws));
        await app.AddCertificateSkippingOwnershipCheck("ws.example.test", null, null);
        var h2Config = "[[services]]\n  internal_port = 9000\n  [[services.ports]]\n    port = 9443\n    handlers = [\"tls\", \"http\"]\n    [services.ports.http_options]\n      h2_backend = true\n";
        var (h2App, h2v4) = await DeployAsync(edge, "h2back", h2Config, ("ams", grpcLike));
        await h2App.AddCertificateSkippingOwnershipCheck("h2.example.test", null, null);
        await edge.StartGatewayAsync();

        using var client = new ClientWebSocket();
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true, TargetHost = "ws.example.test" },
            ConnectCallback = async (_, ct) =>
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await s.ConnectAsync(System.Net.IPAddress.Parse(v4), 443, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        });
        await client.ConnectAsync(new Uri("wss://ws.example.test/ws"), invoker, CancellationToken.None);
        await client.SendAsync(Encoding.UTF8.GetBytes("hello through mesh"), WebSocketMessageType.Text, true, CancellationToken.None);
        var buffer = new byte[1024];
        var received = await client.ReceiveAsync(buffer, CancellationToken.None);
        Assert.Equal("hello through mesh", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

        var h2 = await Curl("-k", "--http1.1", "--resolve", $"h2.example.test:9443:{h2v4}", "https://h2.example.test:9443/grpc");
        Assert.Contains("instance=h2-1", h2.Stdout);
        Assert.Contains("GET /grpc HTTP/2", h2.Stdout);
    }
}
