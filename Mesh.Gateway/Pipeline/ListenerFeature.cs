using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Pipeline;

/// <inheritdoc cref="IListenerFeature"/>
public sealed record ListenerFeature(ListenerKey Key, ListenerKind Kind) : IListenerFeature;
