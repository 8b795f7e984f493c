using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Http1;
using Microsoft.Extensions.Options;

namespace Mesh.Tests.Http1Unit;

/// <summary>The idle upstream connections of one endpoint, in memory: bounded, most recent first.</summary>
public sealed class UpstreamPoolTests
{
    private static readonly IPEndPoint App = new(IPAddress.Loopback, 18080);

    private static UpstreamConnection Connection() => new(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp), App);

    [Fact]
    public void The_pool_keeps_at_most_its_bound_and_hands_back_the_most_recent_first()
    {
        using var pool = new UpstreamPool(Options.Create(new FastPathOptions { MaxIdlePerEndpoint = 2 }));
        var (a, b, c) = (Connection(), Connection(), Connection());
        pool.Return(a);
        pool.Return(b);
        pool.Return(c);
        // Past the bound the connection is closed, not kept.
        Assert.Empty(c.Buffer);
        Assert.Same(b, pool.TakeIdle(App, trustRecent: true));
        Assert.Same(a, pool.TakeIdle(App, trustRecent: true));
        Assert.Null(pool.TakeIdle(App, trustRecent: true));
        // Taking made room again.
        pool.Return(b);
        pool.Return(a);
        Assert.Same(a, pool.TakeIdle(App, trustRecent: true));
        b.Dispose();
        a.Dispose();
    }
}
