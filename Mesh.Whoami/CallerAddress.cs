using System.Net;

namespace Mesh.Whoami;

/// <summary>How the service writes the caller's address: as the caller would (an IPv4 caller of a dual-stack socket is IPv4).</summary>
public static class CallerAddress
{
    public static string Of(IPAddress address) => (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
}
