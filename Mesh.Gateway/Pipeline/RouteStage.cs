using System.Net;
using Mesh.Gateway.Connections;
using Mesh.Gateway.Forwarding;
using Mesh.Gateway.Routing;
using Mesh.Gateway.Telemetry;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.Gateway.Pipeline;

/// <summary>
/// The route stage of the TCP pipelines, right before the handler: the connection's
/// <see cref="IRouteFeature"/>, unless the TLS choice set it already; a connection with no
/// route is counted and closed here, so the handler always has one.
/// </summary>
public sealed class RouteStage(GatewayState state, ConnectionFailures failures)
{
    public Func<ConnectionDelegate, ConnectionDelegate> Middleware => next => connection =>
    {
        if (connection.Features.Get<IRouteFeature>() is null)
        {
            var route = Resolve(state.Table, connection, out var failure);
            if (route is null)
            {
                failures.Fail(failure, $"{failure} for {connection.RemoteEndPoint} at {connection.LocalEndPoint}");
                connection.Abort(new ConnectionAbortedException(failure.ToString()));
                return Task.CompletedTask;
            }
            connection.Features.Set<IRouteFeature>(new RouteFeature(route));
        }
        return next(connection);
    };

    /// <summary>The route for the dialled address and, after TLS, the server name the client sent.</summary>
    public static PortRoute? Resolve(GatewayTable table, ConnectionContext connection, out ProxyError failure)
    {
        var local = (IPEndPoint)connection.LocalEndPoint!;
        var sni = ServerNames.Normalize(connection.Features.Get<ITlsHandshakeFeature>()?.HostName);
        return table.Resolve(local.Address, local.Port, sni, out failure);
    }
}
