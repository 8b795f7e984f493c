namespace Mesh.Interfaces.Model;

/// <summary>The kinds of public address an app can hold (flyctl's v6 / v4 / shared_v4).</summary>
[GenerateSerializer, Alias("mesh.IpKind")]
public enum IpKind
{
    /// <summary>Dedicated anycast IPv6: every app with a public service gets one; free.</summary>
    V6 = 0,
    /// <summary>Dedicated anycast IPv4: opt-in, billed monthly.</summary>
    V4 = 1,
    /// <summary>The shared anycast IPv4: routed by Host/SNI; free.</summary>
    SharedV4 = 2,
}
