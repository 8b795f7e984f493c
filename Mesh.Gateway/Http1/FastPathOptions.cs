namespace Mesh.Gateway.Http1;

/// <summary>
/// <c>Mesh:Gateway:Http</c>: whether HTTP/1.x client connections are served by the gateway's own
/// connection handler (<see cref="Http1FastPath"/>) instead of Kestrel's HTTP layer and YARP. h2
/// and h2c always stay on Kestrel.
/// </summary>
public sealed class FastPathOptions
{
    public const string Section = "Mesh:Gateway:Http";

    public bool FastPath { get; set; } = true;

    /// <summary>
    /// h2 and h2c connections write through <see cref="Http.CoalescedOutput"/>: the responses of
    /// streams that finish together leave in one TLS record and one send instead of one each.
    /// </summary>
    public bool CoalesceH2Output { get; set; } = true;

    /// <summary>How long a kept-alive client connection may wait for its next request (Kestrel's KeepAliveTimeout default).</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(130);

    /// <summary>How long a client may leave a request body without a byte before it is answered 408 (Kestrel's minimum-rate grace).</summary>
    public TimeSpan BodyStallTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle upstream connections kept per instance endpoint (h2 clients multiplex hundreds of requests onto them: fewer means a connect and close per request).</summary>
    public int MaxIdlePerEndpoint { get; set; } = 1024;

    /// <summary>How long an idle pooled upstream connection is kept.</summary>
    public TimeSpan UpstreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(60);
}
