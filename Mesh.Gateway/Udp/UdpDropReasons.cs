namespace Mesh.Gateway.Udp;

/// <summary>Why a datagram was not relayed: the <c>reason</c> label of <c>mesh_gateway_udp_dropped</c> (counter <c>udp.drop.REASON</c>).</summary>
public static class UdpDropReasons
{
    /// <summary>To an address and port no UDP service is routed on (e.g. a wildcard socket, for a released address).</summary>
    public const string NoRoute = "no_route";
    /// <summary>The app has no started, healthy (and not ejected) instance.</summary>
    public const string NoHealthyInstance = "no_healthy_instance";
    /// <summary>Every healthy instance is at its <c>hard_limit</c> of flows.</summary>
    public const string LimitReached = "limit_reached";
    /// <summary>The app holds <c>Mesh:Gateway:Udp:MaxFlowsPerApp</c> flows on this gateway already.</summary>
    public const string FlowLimit = "flow_limit";
    /// <summary>Sending to the instance (after one retry on another) or back to the client failed.</summary>
    public const string SendError = "send_error";
    /// <summary>The instance answered with ICMP port unreachable: its flows move, it is ejected for <c>EjectionTime</c>.</summary>
    public const string UpstreamRefused = "upstream_refused";
}
