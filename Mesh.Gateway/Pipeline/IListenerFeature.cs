using Mesh.Gateway.Routing;

namespace Mesh.Gateway.Pipeline;

/// <summary>
/// Which listener accepted a connection and which pipeline it runs (set by the listener manager
/// at accept, read by every later stage): the first typed fact of a connection.
/// </summary>
public interface IListenerFeature
{
    ListenerKey Key { get; }

    ListenerKind Kind { get; }
}
