using System.Net;
using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Listeners;

/// <summary>
/// A virtual Kestrel endpoint, one per pipeline kind. Kestrel "binds" it through
/// <see cref="GatewayTransport"/>, whose listeners hand over connections that our own sockets
/// accepted (kestrel-listeners notes, design B): one Kestrel, any number of real listeners.
/// </summary>
public sealed class PipelineEndPoint(ListenerKind kind) : EndPoint
{
    public ListenerKind Kind { get; } = kind;

    public override string ToString() => $"pipeline-{Kind.ToString().ToLowerInvariant()}";
}
