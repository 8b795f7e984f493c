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
[Collection(ProcessTests.Name)]
public sealed class HttpProtocolTests
{
    private static async Task<(IAppGrain App, string V4)> DeployAsync(EmbeddedEdge edge, string name, string config, params (string Region, string Address)[] instances)
    {
        var app = edge.Grains.GetGrain<IAppGrain>(name);
        await app.Create("personal");
        await app.Deploy(config);
        var v4 = await app.AllocateIp(IpKind.V4);
        foreach (var (region, address) in instances)
        {
            await app.AddInstance(new InstanceRegistration(region, address, []));
        }
        return (app, v4.Address);
    }

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
        await app.AddCertificate("grpc.example.test", pki.ChainPem, pki.KeyPem);
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
    public async Task Concurrency_by_connections_holds_a_slot_per_client_connection()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var ams = await HttpEchoApp.StartAsync("ams-1");
        await using var iad = await HttpEchoApp.StartAsync("iad-1");
        var config = "[http_service]\n  internal_port = 8080\n  [http_service.concurrency]\n    type = \"connections\"\n    soft_limit = 1\n    hard_limit = 1\n";
        var (_, v4) = await DeployAsync(edge, "conns", config, ("ams", ams.Address), ("iad", iad.Address));
        await edge.StartGatewayAsync();

        using var first = Client(v4);
        Assert.Contains("instance=ams-1", await first.GetStringAsync("/"));
        // The first client's connection stays open and holds ams-1's only slot, so a second
        // connection spills to the next region; the first keeps its instance.
        using (var second = Client(v4))
        {
            Assert.Contains("instance=iad-1", await second.GetStringAsync("/"));
        }
        Assert.Contains("instance=ams-1", await first.GetStringAsync("/"));
        first.Dispose();

        // Closing the connection frees the slot (the close reaches the gateway asynchronously).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string body;
        do
        {
            using var third = Client(v4);
            body = await third.GetStringAsync("/");
        }
        while (!body.Contains("instance=ams-1") && DateTime.UtcNow < deadline);
        Assert.Contains("instance=ams-1", body);
    }

    [Fact]
    public async Task A_connection_an_app_answered_as_http10_is_not_reused()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var old = await Http10App.StartAsync();
        var (_, v4) = await DeployAsync(edge, "legacy", "[http_service]\n  internal_port = 8080\n", ("ams", old.Address));
        await edge.StartGatewayAsync();

        using var client = Client(v4);
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("old app", await response.Content.ReadAsStringAsync());
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

    /// <summary>
    /// An app that speaks HTTP/1.0: one request per connection, answered without keep-alive,
    /// and the connection left open (a proxy must not send it a second request).
    /// </summary>
    private sealed class Http10App : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly List<Socket> _sockets = [];
        private int _connections;

        public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public int Connections => Volatile.Read(ref _connections);

        public static Task<Http10App> StartAsync()
        {
            var app = new Http10App();
            app._listener.Start();
            _ = app.AcceptLoopAsync();
            return Task.FromResult(app);
        }

        private async Task AcceptLoopAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync();
                }
                catch (Exception e) when (e is SocketException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _connections);
                lock (_sockets) _sockets.Add(socket);
                _ = AnswerOnceAsync(socket);
            }
        }

        private static async Task AnswerOnceAsync(Socket socket)
        {
            try
            {
                var head = new StringBuilder();
                var buffer = new byte[4096];
                while (!head.ToString().Contains("\r\n\r\n"))
                {
                    var n = await socket.ReceiveAsync(buffer);
                    if (n == 0) return;
                    head.Append(Encoding.ASCII.GetString(buffer, 0, n));
                }
                await socket.SendAsync(Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 7\r\n\r\nold app"));
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
            }
        }

        public ValueTask DisposeAsync()
        {
            _listener.Stop();
            lock (_sockets)
            {
                foreach (var s in _sockets) s.Dispose();
            }
            return ValueTask.CompletedTask;
        }
    }
}
