using System.Globalization;
using System.Net;
using Mesh.Domain.Apps;
using Mesh.Tests.Infrastructure;

namespace Mesh.Tests.Dns;

/// <summary>
/// An address of an org's private network on <c>lo</c> (tests run as root), unique per run so
/// that concurrent runs do not share it, removed on dispose: queries from it come from inside the
/// org, as an instance's would, so real <c>dig</c> sees real answers rather than the REFUSED every
/// loopback asker gets.
/// </summary>
public sealed class PrivateLoopbackAddress : IAsyncDisposable
{
    private PrivateLoopbackAddress(IPAddress address) => Address = address;

    public IPAddress Address { get; }

    public static async Task<PrivateLoopbackAddress> AddAsync(string org, string region)
    {
        var address = PrivateAddresses.For(org, region, $"dig-{Guid.NewGuid():N}");
        var add = await Tool.RunAsync("ip", ["-6", "addr", "add", $"{address}/128", "dev", "lo", "nodad"]);
        Assert.True(add.ExitCode == 0, $"ip addr add: {add.Stderr}");
        return new PrivateLoopbackAddress(address);
    }

    /// <summary>Real dig from this address to a server: the full output, whatever the status.</summary>
    public async Task<string> DigAsync(IPEndPoint server, params string[] args)
    {
        var result = await Tool.RunAsync("dig", [$"@{server.Address}", "-p", server.Port.ToString(CultureInfo.InvariantCulture), "-b", Address.ToString(), "+tries=1", "+time=5", .. args]);
        Assert.True(result.ExitCode == 0, $"dig {string.Join(' ', args)}: {result.Stdout}{result.Stderr}");
        return result.Stdout;
    }

    public async ValueTask DisposeAsync() => await Tool.RunAsync("ip", ["-6", "addr", "del", $"{Address}/128", "dev", "lo"]);
}
