using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http1;

/// <summary>
/// How <see cref="KestrelUpstreamForwarder"/> reports a failed exchange: in YARP's own terms (the
/// error and the exception its forwarder would have seen), so that <c>HttpProxyMiddleware</c> maps
/// it to the same status, reason label, ejection and retry as a YARP failure.
/// </summary>
public sealed class ForwarderFailure(ForwarderError error, Exception? exception) : IForwarderErrorFeature
{
    public ForwarderError Error { get; } = error;

    public Exception? Exception { get; } = exception;
}
