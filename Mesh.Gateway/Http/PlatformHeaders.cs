namespace Mesh.Gateway.Http;

/// <summary>
/// The header names of the mirrored platform (fly-reference §1C), kept as they are so that apps
/// written for it run unchanged. Which the client may set is decided in DESIGN §8.
/// </summary>
public static class PlatformHeaders
{
    public const string ClientIp = "Fly-Client-IP";
    public const string ForwardedFor = "X-Forwarded-For";
    public const string ForwardedProto = "X-Forwarded-Proto";
    public const string ForwardedSsl = "X-Forwarded-SSL";
    public const string ForwardedPort = "X-Forwarded-Port";
    public const string FlyForwardedPort = "Fly-Forwarded-Port";
    public const string FlyForwardedProto = "Fly-Forwarded-Proto";
    public const string FlyForwardedSsl = "Fly-Forwarded-Ssl";
    public const string Region = "Fly-Region";
    public const string RequestId = "Fly-Request-Id";
    public const string RequestStart = "X-Request-Start";
    public const string Via = "Via";
    public const string PreferRegion = "Fly-Prefer-Region";
    public const string ForceRegion = "Fly-Force-Region";
    public const string PreferInstance = "Fly-Prefer-Instance-Id";
    public const string ForceInstance = "Fly-Force-Instance-Id";
    public const string PreferredInstanceUnavailable = "Fly-Preferred-Instance-Unavailable";

    /// <summary>Fly-* request headers a client may send: the steering ones. Every other Fly-* header is the proxy's.</summary>
    public static bool ClientMaySend(string name) =>
        name.Equals(PreferRegion, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForceRegion, StringComparison.OrdinalIgnoreCase)
        || name.Equals(PreferInstance, StringComparison.OrdinalIgnoreCase)
        || name.Equals(ForceInstance, StringComparison.OrdinalIgnoreCase);
}
