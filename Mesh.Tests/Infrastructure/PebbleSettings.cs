namespace Mesh.Tests.Infrastructure;

/// <summary>
/// How a test runs Pebble: the ports its validation authority dials (where the test's or the
/// gateway's challenge responders listen), and its nonce rejection (null = Pebble's default 5%).
/// </summary>
internal sealed record PebbleSettings(int HttpPort, int TlsPort)
{
    /// <summary>PEBBLE_WFE_NONCEREJECT: the percentage of good nonces refused as badNonce.</summary>
    public int? NonceRejectPercent { get; init; }

    /// <summary>PEBBLE_AUTHZREUSE: how often a valid authorization is reused in a new order (Pebble's default 50%).</summary>
    public int? AuthorizationReusePercent { get; init; }
}
