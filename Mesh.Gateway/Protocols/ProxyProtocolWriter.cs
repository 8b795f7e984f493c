// TEMP STUB (replaced by the proto branch)
using System.Net;
namespace Mesh.Gateway.Protocols;
public static class ProxyProtocolWriter
{
    public const int MaxV1Length = 107;
    public const int MaxV2Length = 52;
    public static int WriteV1(IPEndPoint s, IPEndPoint d, Span<byte> b) => 0;
    public static int WriteV2(IPEndPoint s, IPEndPoint d, Span<byte> b) => 0;
}
