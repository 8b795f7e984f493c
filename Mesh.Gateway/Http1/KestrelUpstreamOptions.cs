namespace Mesh.Gateway.Http1;

/// <summary>
/// <c>Mesh:Gateway:Http:KestrelUpstream</c>: whether requests that stay on Kestrel's HTTP layer
/// (h2 and h2c clients, and HTTP/1.x ones when the fast path is off) reach HTTP/1.1 apps through
/// <see cref="KestrelUpstreamForwarder"/> over the pooled connections of <see cref="UpstreamPool"/>.
/// False sends every such request through YARP and SocketsHttpHandler, as before.
/// </summary>
public sealed class KestrelUpstreamOptions
{
    public const string Section = FastPathOptions.Section;

    public bool KestrelUpstream { get; set; } = true;
}
