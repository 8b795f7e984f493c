namespace Mesh.Domain.Ips;

/// <summary>
/// The address pools one cluster allocates from (config section <c>Mesh:IpPool</c>). Every silo
/// must be given the same pools. The defaults sit in 127.0.0.0/8 and a ULA prefix so that a
/// quick start on one machine gets real, distinct, local addresses (DESIGN §6).
/// </summary>
public sealed class IpPoolOptions
{
    public const string Section = "Mesh:IpPool";

    /// <summary>The shared anycast IPv4 every app on the shared address is reached at.</summary>
    public string SharedV4 { get; set; } = "127.77.0.1";

    /// <summary>The prefix dedicated IPv4 addresses come from.</summary>
    public string DedicatedV4 { get; set; } = "127.77.1.0/24";

    /// <summary>The prefix dedicated IPv6 addresses come from.</summary>
    public string DedicatedV6 { get; set; } = "fdaa:6d65:7368::/64";
}
