using System.Net;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// A virtual Kestrel endpoint, one per pipeline kind. Kestrel "binds" it through
/// <see cref="GatewayTransport"/>, whose listeners hand over connections that our own sockets
/// accepted (kestrel-listeners notes, design B): one Kestrel, any number of real listeners.
/// </summary>
/// <remarks>An https port has two: Kestrel's TLS stage, and TLS on the socket (<see cref="DirectTls"/>).</remarks>
public sealed class PipelineEndPoint(ListenerKind kind, bool directTls = false) : EndPoint
{
    public ListenerKind Kind { get; } = kind;

    /// <summary>Its connections arrive as <see cref="DirectSocketConnection"/>s whose TLS the pipeline runs on the socket.</summary>
    public bool DirectTls { get; } = directTls;

    public override string ToString() => $"pipeline-{Kind.ToString().ToLowerInvariant()}{(DirectTls ? "-direct" : "")}";
}
