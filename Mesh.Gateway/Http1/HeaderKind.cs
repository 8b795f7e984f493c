namespace Mesh.Gateway.Http1;

/// <summary>What the fast path does with one request or response header, by its name (<see cref="ProxyHeaders.Classify"/>).</summary>
public enum HeaderKind : byte
{
    /// <summary>Copied as it came.</summary>
    Other,
    Host,
    ContentLength,
    TransferEncoding,
    Connection,
    Expect,
    Upgrade,
    Via,
    ForwardedFor,
    ForwardedPort,
    /// <summary>Keep-Alive, Proxy-Connection, TE: one hop's own (RFC 9110 §7.6.1).</summary>
    Hop,
    /// <summary>A header the proxy sets itself (Fly-Client-IP, X-Forwarded-Proto …): the client's copy is dropped.</summary>
    PlatformOwned,
    /// <summary>A client-sent Fly-* header that is not a steering one.</summary>
    SpoofedFly,
    /// <summary>Fly-Prefer-Region and friends: kept, and read for steering.</summary>
    Steering,
    Server,
    RequestId,
    Replay,
}
