using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Gateway;

/// <summary>pg_tls with psql against a real PostgreSQL, and the PROXY protocol into a real nginx.</summary>
[Collection(ProcessTests.Name)]
public sealed class GatewayPostgresAndProxyTests
{
    [Fact]
    public async Task Psql_with_sslmode_require_runs_a_query_through_pg_tls()
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var edge = await EmbeddedEdge.StartAsync();
        var app = edge.Grains.GetGrain<IAppGrain>("pg");
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(5432, "\"pg_tls\""));
        var ip = await app.AllocateIp(IpKind.V4);
        await app.AddCertificateSkippingOwnershipCheck("pg.example.test", null, null);
        await app.AddInstance(new InstanceRegistration("ams", postgres.Address, []));
        var gateway = await edge.StartGatewayAsync();

        var ok = await Tool.RunAsync("psql", [$"host={ip.Address} port=5432 user=postgres dbname=postgres sslmode=require", "-tA", "-c", "select 40 + 2, current_setting('ssl')"]);
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        // ssl=off on the server: TLS ended at the gateway, the instance got plaintext.
        Assert.Equal("42|off", ok.Stdout.Trim());

        var plain = await Tool.RunAsync("psql", [$"host={ip.Address} port=5432 user=postgres dbname=postgres sslmode=disable", "-c", "select 1"]);
        Assert.NotEqual(0, plain.ExitCode);
        Assert.Contains("SSL/TLS required", plain.Stderr);
        Assert.True(await gateway.CounterAsync("error.pg_plaintext") >= 1);

        // PostgreSQL 17 direct TLS: a ClientHello with ALPN "postgresql" and no SSLRequest.
        var direct = await Tool.SClientAsync(ip.Address, 5432, "-alpn", "postgresql", "-servername", "pg.example.test");
        Assert.Contains("ALPN protocol: postgresql", direct.Stdout);

        // Garbage on the port closes that connection only; psql still works.
        using (var junk = await Wire.ConnectAsync(ip.Address, 5432))
        {
            await junk.SendAsync(new byte[] { 0, 0, 0, 9, 1, 2, 3, 4, 5 });
            Assert.Equal("", await Wire.ReadToEndAsync(junk));
        }
        Assert.True(await gateway.CounterAsync("error.pg_preamble") >= 1);
        var again = await Tool.RunAsync("psql", [$"host={ip.Address} port=5432 user=postgres dbname=postgres sslmode=require", "-tA", "-c", "select 7"]);
        Assert.Equal("7", again.Stdout.Trim());

        // Ctrl-C in psql sends a CancelRequest on a new connection: it must reach the instance
        // holding the session, which then cancels the running query.
        await using var sleeping = RunningProcess.Start("psql",
            [$"host={ip.Address} port=5432 user=postgres dbname=postgres sslmode=require", "-c", "\\echo started", "-c", "select pg_sleep(60)"]);
        await sleeping.WaitForLineAsync("started", TimeSpan.FromSeconds(20));
        var running = await WaitForActiveQueryAsync(postgres);
        Assert.True(running, "pg_sleep never showed up in pg_stat_activity");
        NativeMethods.Kill(sleeping.Id, 2 /* SIGINT */);
        await sleeping.WaitForLineAsync("canceling statement due to user request", TimeSpan.FromSeconds(20));
        Assert.True(await gateway.CounterAsync("pg_cancel_forwarded") >= 1);
    }

    /// <summary>Asks the server directly (not through the gateway) until the sleeping query is running.</summary>
    private static async Task<bool> WaitForActiveQueryAsync(PostgresServer postgres)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var r = await Tool.RunAsync("psql", [$"host=127.0.0.1 port={postgres.Port} user=postgres dbname=postgres sslmode=disable", "-tA", "-c",
                "select count(*) from pg_stat_activity where query like 'select pg_sleep%' and state = 'active'"]);
            if (r.Stdout.Trim() == "1") return true;
        }
        return false;
    }

    [Theory]
    [InlineData("v1", "\"proxy_proto\"")]
    [InlineData("v2", "\"proxy_proto\"")]
    [InlineData("v1", "\"tls\", \"proxy_proto\"")]
    public async Task Nginx_behind_proxy_proto_sees_the_true_client_and_dialled_address(string version, string handlers)
    {
        await using var nginx = await NginxProxyProtocolApp.StartAsync();
        await using var edge = await EmbeddedEdge.StartAsync();
        var app = edge.Grains.GetGrain<IAppGrain>("pp");
        await app.Create("personal");
        var config = GatewayConfigs.Tcp(7100, handlers) + (version == "v2" ? "\n    [services.ports.proxy_proto_options]\n      version = \"v2\"" : "");
        await app.Deploy(config);
        var ip = await app.AllocateIp(IpKind.V4);
        await app.AddCertificateSkippingOwnershipCheck("pp.example.test", null, null);
        await app.AddInstance(new InstanceRegistration("ams", nginx.Address, []));
        await edge.StartGatewayAsync();

        string answer;
        if (handlers.Contains("tls"))
        {
            var r = await Tool.SClientAsync(ip.Address, 7100, "-servername", "pp.example.test", "-quiet");
            answer = r.Stdout + r.Stderr;
        }
        else
        {
            using var client = await Wire.ConnectAsync(ip.Address, 7100);
            var local = (System.Net.IPEndPoint)client.LocalEndPoint!;
            answer = await Wire.ReadToEndAsync(client);
            Assert.Contains($"client=127.0.0.1:{local.Port} ", answer);
        }
        Assert.Contains($"dialled={ip.Address}:7100", answer);
        Assert.Contains("client=127.0.0.1:", answer);
    }
}
