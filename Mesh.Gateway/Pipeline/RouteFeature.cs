using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Pipeline;

/// <inheritdoc cref="IRouteFeature"/>
public sealed record RouteFeature(PortRoute Route) : IRouteFeature;
