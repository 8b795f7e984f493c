using Mesh.Gateway.Telemetry;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.GatewayUnit;

/// <summary>A failure kind logs once per interval, with the count since its last line.</summary>
public sealed class FailureLogTests
{
    [Fact]
    public void A_flood_is_one_line_per_interval_with_its_count()
    {
        var time = new FakeTimeProvider();
        var log = new FailureLog(time, TimeSpan.FromSeconds(30));

        var logged = Enumerable.Range(0, 1000).Select(_ => log.Record("tls_handshake")).Where(c => c > 0).ToList();
        Assert.Equal([1L], logged);
        // Another reason is not silenced by the first one.
        Assert.Equal(1, log.Record("proxy_header_invalid"));

        time.Advance(TimeSpan.FromSeconds(31));
        // The 999 quiet ones and this one.
        Assert.Equal(1000, log.Record("tls_handshake"));
        Assert.Equal(0, log.Record("tls_handshake"));
    }
}
