using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Pipeline;

/// <summary>
/// The route of a TCP-handled connection (<c>tcp</c>, <c>tls</c>, <c>pg_tls</c>), resolved once
/// per connection from the dialled address and the TLS server name: by the TLS choice when the
/// listener terminates TLS, else by <see cref="RouteStage"/>. HTTP connections carry none: the
/// Host of each request decides there (DESIGN §4.1), so <c>HttpProxyMiddleware</c> resolves per request.
/// </summary>
public interface IRouteFeature
{
    PortRoute Route { get; }
}
