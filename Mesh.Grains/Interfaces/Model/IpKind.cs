namespace Mesh.Interfaces.Model;

/// <summary>The kinds of address an app can hold (flyctl's v6 / v4 / shared_v4 / private_v6).</summary>
[GenerateSerializer, Alias("mesh.IpKind")]
public enum IpKind
{
    /// <summary>Dedicated anycast IPv6: every app with a public service gets one; free.</summary>
    V6 = 0,
    /// <summary>Dedicated anycast IPv4: opt-in, billed monthly.</summary>
    V4 = 1,
    /// <summary>The shared anycast IPv4: routed by Host/SNI; free.</summary>
    SharedV4 = 2,
    /// <summary>
    /// Flycast: an address in an org's private network that the gateways of every region accept
    /// from that org's instances only, routed through the app's services like public traffic; free.
    /// </summary>
    PrivateV6 = 3,
}
