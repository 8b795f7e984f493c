using System.Net.Sockets;
using Mesh.Gateway.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Connections;

/// <summary>A connected instance, with the load slot the connection holds on it; or why there is none.</summary>
public sealed record Upstream(Socket? Socket, InstanceRoute? Instance, InstanceLoad? Load, RouteFailure Failure);
