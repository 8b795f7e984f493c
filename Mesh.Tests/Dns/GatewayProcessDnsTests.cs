using System.Globalization;
using System.Net;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Tests.Cluster;
using Mesh.Tests.Gateway;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Dns;

/// <summary>
/// The zone as a real gateway process serves it from the control plane's table, asked with real
/// <c>dig</c> from inside the app's org: the apex, negative answers, ANY and EDNS.
/// </summary>
[Collection(Gateway.GatewayProcessTests.Name)]
public sealed class GatewayProcessDnsTests
{
    [Fact]
    public async Task A_gateway_serves_the_apex_and_negative_answers_with_the_soa_of_its_table()
    {
        await using var edge = await EmbeddedEdge.StartAsync();
        await using var asker = await PrivateLoopbackAddress.AddAsync("personal", "ams");
        var app = edge.Grains.GetGrain<IAppGrain>("web");
        await app.Create("personal");
        await app.Deploy(GatewayConfigs.Tcp(7000));
        await app.AddInstance(new InstanceRegistration("ams", "127.0.0.1:1", []));
        // The gateway listens on the asker's address: one address on lo stands for both ends.
        var dns = new IPEndPoint(asker.Address, FreePort.Next());
        var gateway = await edge.StartGatewayAsync("ams", $"--Mesh:Gateway:Dns:Listen={dns}");
        await edge.SyncedAsync();
        var serial = unchecked((uint)await gateway.TableVersionAsync()).ToString(CultureInfo.InvariantCulture);

        var soa = (await asker.DigAsync(dns, "+short", "SOA", "internal.")).Trim();
        Assert.Equal($"ns.internal. hostmaster.internal. {serial} 60 30 600 5", soa);
        Assert.Equal("ns.internal.", (await asker.DigAsync(dns, "+short", "NS", "internal.")).Trim());
        Assert.Equal(asker.Address.ToString(), (await asker.DigAsync(dns, "+short", "AAAA", "ns.internal.")).Trim());
        Assert.NotEmpty((await asker.DigAsync(dns, "+short", "AAAA", "web.internal")).Trim());

        var noName = await asker.DigAsync(dns, "AAAA", "nothing.internal");
        Assert.Contains("status: NXDOMAIN", noName);
        Assert.Contains("ANSWER: 0, AUTHORITY: 1,", noName);
        Assert.Contains(soa, noName);
        var noData = await asker.DigAsync(dns, "MX", "web.internal");
        Assert.Contains("status: NOERROR", noData);
        Assert.Contains("ANSWER: 0, AUTHORITY: 1,", noData);
        Assert.Contains(soa, noData);
        Assert.Equal("\"RFC8482\" \"\"", (await asker.DigAsync(dns, "+short", "ANY", "web.internal")).Trim());
        var badVersion = await asker.DigAsync(dns, "+edns=1", "+noednsnegotiation", "AAAA", "web.internal");
        Assert.Contains("status: BADVERS", badVersion);
        Assert.Contains("; EDNS: version: 0, flags:; udp: 512", badVersion);
        Assert.Equal(1, await gateway.CounterAsync("dns.badvers"));
    }
}
