using System.Net;
using System.Net.Sockets;
using System.Text;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Http;

/// <summary>gRPC end to end, concurrency by connection, HTTP/1.0 apps and slow clients on the http handler.</summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class HttpProtocolTests
{
    private static Task<(IAppGrain App, string V4)> DeployAsync(EmbeddedEdge edge, string name, string config, params (string Region, string Address)[] instances) =>
        edge.DeployWithV4Async(name, config, instances);

    [Fact]
    public async Task A_real_grpc_client_reaches_an_h2c_grpc_server_over_tls_and_cleartext()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var grpc = await GrpcEchoApp.StartAsync("grpc-1");
        var config = """
            [[services]]
              internal_port = 9000
              [[services.ports]]
                port = 443
                handlers = ["tls", "http"]
                [services.ports.http_options]
                  h2_backend = true
              [[services.ports]]
                port = 80
                handlers = ["http"]
                [services.ports.http_options]
                  h2_backend = true
            """;
        var (app, v4) = await DeployAsync(edge, "grpc", config, ("ams", grpc.Address));
        var pki = TestCertificates.For("grpc.example.test");
        await app.AddCertificateSkippingOwnershipCheck("grpc.example.test", pki.ChainPem, pki.KeyPem);
        using var dir = new TempDir();
        var rootFile = Path.Combine(dir.Path, "root.pem");
        await File.WriteAllTextAsync(rootFile, pki.RootPem);
        await edge.StartGatewayAsync();

        foreach (var result in new[]
        {
            await GrpcEchoApp.CallAsync($"{v4}:443", rootFile, "grpc.example.test"),
            await GrpcEchoApp.CallAsync($"{v4}:80"),
        })
        {
            Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
            // Unary with the platform's metadata, server streaming, and a status in the trailers.
            Assert.Contains("say instance=grpc-1;region=ams;got=hello", result.Stdout);
            Assert.Contains("count 1,2,3,4,5", result.Stdout);
            Assert.Contains("fail NOT_FOUND nothing here", result.Stdout);
        }
    }

    [Fact]
    public async Task Concurrency_by_connections_opens_a_connection_per_request_and_requests_reuses_them()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var byConnection = await CountingHttpApp.StartAsync(http10: false);
        await using var byRequest = await CountingHttpApp.StartAsync(http10: false);
        var (_, v4Connections) = await DeployAsync(edge, "conns", "[http_service]\n  internal_port = 8080\n", ("ams", byConnection.Address));
        var (_, v4Requests) = await DeployAsync(edge, "reqs", "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    type = \"requests\"\n", ("ams", byRequest.Address));
        await edge.StartGatewayAsync();

        foreach (var v4 in new[] { v4Connections, v4Requests })
        {
            using var client = Client(v4);
            for (var i = 0; i < 5; i++) Assert.Equal("counted", await client.GetStringAsync("/"));
        }
        // As on the mirrored platform: "connections" gives every request its own upstream
        // connection; "requests" keeps them alive in a pool.
        Assert.Equal(5, byConnection.Connections);
        Assert.Equal(1, byRequest.Connections);
    }

    [Fact]
    public async Task A_connection_an_app_answered_as_http10_is_not_reused()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var old = await CountingHttpApp.StartAsync(http10: true);
        // Pooled upstream connections ("requests"), where reuse would happen.
        var (_, v4) = await DeployAsync(edge, "legacy", "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    type = \"requests\"\n", ("ams", old.Address));
        await edge.StartGatewayAsync();

        using var client = Client(v4);
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("counted", await response.Content.ReadAsStringAsync());
        }
        // The app answers one request per connection and never closes it: reusing a connection
        // would hang the next request.
        Assert.Equal(3, old.Connections);
    }

    [Fact]
    public async Task Slow_request_headers_are_cut_at_the_handshake_timeout()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var echo = await HttpEchoApp.StartAsync("ok-1");
        var (_, v4) = await DeployAsync(edge, "slowloris", "[http_service]\n  internal_port = 8080\n", ("ams", echo.Address));
        await edge.StartGatewayAsync("ams", "--Mesh:Gateway:HandshakeTimeout=00:00:02");

        using var slow = await Wire.ConnectAsync(v4, 80);
        await slow.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: x\r\nX-Drip: 1\r\n"));
        var answer = await Wire.ReadToEndAsync(slow, TimeSpan.FromSeconds(30));
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408"), answer);
        using var client = Client(v4);
        Assert.Contains("instance=ok-1", await client.GetStringAsync("/"));
    }

    /// <summary>An HttpClient whose connections all go to <paramref name="v4"/>:80, one at a time.</summary>
    private static HttpClient Client(string v4) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1,
        ConnectCallback = async (_, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(IPAddress.Parse(v4), 80, ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
    })
    {
        BaseAddress = new Uri("http://app.test"),
        Timeout = TimeSpan.FromSeconds(20),
    };
}
