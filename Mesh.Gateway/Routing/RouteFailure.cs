namespace Mesh.Gateway.Routing;

/// <summary>Why a connection could not be routed or served: a value, counted and logged once, never an exception.</summary>
public enum RouteFailure
{
    None,
    /// <summary>Nothing is served at the dialled address and port.</summary>
    NoRoute,
    /// <summary>A shared address needs an SNI that names an app's certificate.</summary>
    UnknownServerName,
    /// <summary>The app has no started, healthy instance.</summary>
    NoHealthyInstance,
    /// <summary>Every candidate is at its hard limit and the wait queue is full or timed out (<c>limit_reached</c>).</summary>
    Overloaded,
    /// <summary>Every candidate refused or timed out the connect.</summary>
    ConnectFailed,
    /// <summary>The app has as many connections on this gateway as it may.</summary>
    AppConnectionLimit,
    /// <summary>This client address has as many connections to the app on this gateway as it may.</summary>
    ClientConnectionLimit,
}
