namespace Mesh.Gateway.Forwarding;

/// <summary>
/// Why a connection or request could not be routed or served: a value, never an exception, on
/// the TCP and HTTP paths alike. Its reason label, retry verdict and HTTP status are in
/// <see cref="ProxyErrors"/>, the one place counters, logs and error responses read them from.
/// </summary>
public enum ProxyError
{
    None,
    /// <summary>Nothing is served at the dialled address and port (or, on HTTP, for the Host).</summary>
    NoRoute,
    /// <summary>A shared address needs an SNI that names an app's certificate.</summary>
    UnknownServerName,
    /// <summary>HTTP: the Host names another app than the TLS server name did (421).</summary>
    Misdirected,
    /// <summary>The app has no started, healthy instance (or passive health has ejected every one).</summary>
    NoHealthyInstance,
    /// <summary>Every candidate is at its hard limit and the wait queue is full or timed out.</summary>
    Overloaded,
    /// <summary>Every candidate refused or timed out the connect.</summary>
    ConnectFailed,
    /// <summary>The app has as many connections (HTTP: requests in flight) on this gateway as it may.</summary>
    AppConnectionLimit,
    /// <summary>This client address has as many connections to the app on this gateway as it may.</summary>
    ClientConnectionLimit,
    /// <summary>One instance refused the connect: the next candidate may take it.</summary>
    UpstreamConnectRefused,
    /// <summary>One instance did not accept within the connect timeout: the next candidate may take it.</summary>
    UpstreamConnectTimeout,
    /// <summary>The instance reset a connection that was under way.</summary>
    UpstreamReset,
    /// <summary>Neither side sent a byte for the idle timeout.</summary>
    IdleTimeout,
    /// <summary>HTTP: the instance did not answer within <c>UpstreamTimeout</c>.</summary>
    UpstreamTimeout,
    /// <summary>HTTP: the instance answered with no valid response.</summary>
    BadUpstreamResponse,
    /// <summary>HTTP: the client went away before the answer.</summary>
    ClientClosed,
    /// <summary>HTTP: the client announced a body and stalled.</summary>
    ClientBodyTimeout,
    /// <summary>HTTP: the client's body is malformed or too large.</summary>
    ClientBadBody,
    /// <summary>HTTP: framing that could desynchronise a proxy (RFC 9112 §6.3).</summary>
    BadFraming,
    /// <summary>HTTP: a plain <c>CONNECT</c>; the gateway is no tunnel.</summary>
    ConnectMethodRefused,
    /// <summary>HTTP: a Fly-Force-Region or Fly-Force-Instance-Id that no instance satisfies.</summary>
    SteeringUnavailable,
    /// <summary>HTTP: a request replayed more than <c>ReplayDirective.MaxHops</c> times.</summary>
    ReplayLimit,
    /// <summary>HTTP: a <c>fly-replay: app=</c> naming an app that does not serve the port.</summary>
    ReplayNoRoute,
    /// <summary>HTTP: a <c>fly-replay: app=</c> naming another org's app (answered as <see cref="ReplayNoRoute"/> is).</summary>
    ReplayRefused,
}
