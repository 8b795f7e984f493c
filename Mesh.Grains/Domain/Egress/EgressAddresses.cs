using System.Net;

namespace Mesh.Domain.Egress;

/// <summary>The public addresses a region's instances are seen from on the Internet; either may be absent.</summary>
public sealed record EgressAddresses(IPAddress? V6, IPAddress? V4)
{
    public static EgressAddresses None { get; } = new(null, null);
}
