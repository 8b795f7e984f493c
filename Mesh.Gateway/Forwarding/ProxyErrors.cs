using Mesh.Gateway.Telemetry;

namespace Mesh.Gateway.Forwarding;

/// <summary>
/// What each <see cref="ProxyError"/> means outside the data path, in one table: the reason
/// label of <c>mesh_gateway_connection_errors</c> (tests and dashboards read these strings:
/// never rename one), whether another instance may still take the connection or request
/// (nothing reached an instance), and the HTTP status the error is answered with.
/// </summary>
public static class ProxyErrors
{
    private readonly record struct Entry(string Label, bool Retryable, int Status);

    private static readonly Entry[] Entries = Build();

    public static string Label(this ProxyError error) => Entries[(int)error].Label;

    /// <summary>Whether nothing was sent to an instance, so another candidate may take it.</summary>
    public static bool IsRetryable(this ProxyError error) => Entries[(int)error].Retryable;

    public static int HttpStatus(this ProxyError error) => Entries[(int)error].Status;

    private static Entry[] Build()
    {
        var entries = new Entry[Enum.GetValues<ProxyError>().Length];
        void Set(ProxyError error, string label, int status, bool retryable = false) => entries[(int)error] = new Entry(label, retryable, status);
        Set(ProxyError.None, "none", 200);
        Set(ProxyError.NoRoute, "no_route", 404);
        Set(ProxyError.UnknownServerName, ErrorReasons.UnknownServerName, 421);
        Set(ProxyError.Misdirected, "misdirected", 421);
        Set(ProxyError.NoHealthyInstance, "no_healthy_instance", 503);
        Set(ProxyError.Overloaded, "limit_reached", 503);
        Set(ProxyError.ConnectFailed, "connect_failed", 502);
        Set(ProxyError.AppConnectionLimit, "app_connection_limit", 503);
        Set(ProxyError.ClientConnectionLimit, "client_connection_limit", 429);
        Set(ProxyError.UpstreamConnectRefused, "upstream_connect_refused", 502, retryable: true);
        Set(ProxyError.UpstreamConnectTimeout, "upstream_connect_timeout", 502, retryable: true);
        Set(ProxyError.UpstreamReset, "upstream_reset", 502);
        Set(ProxyError.IdleTimeout, ErrorReasons.IdleTimeout, 408);
        Set(ProxyError.UpstreamTimeout, "upstream_timeout", 504);
        Set(ProxyError.BadUpstreamResponse, "bad_upstream_response", 502);
        // 499 (nginx's "client closed request"): counted, never written; the client is gone.
        Set(ProxyError.ClientClosed, "client_closed", 499);
        Set(ProxyError.ClientBodyTimeout, "client_body_timeout", 408);
        Set(ProxyError.ClientBadBody, "client_bad_body", 400);
        Set(ProxyError.BadFraming, "bad_framing", 400);
        Set(ProxyError.ConnectMethodRefused, "connect_refused", 405);
        Set(ProxyError.SteeringUnavailable, "steering_unavailable", 503);
        Set(ProxyError.ReplayLimit, "replay_limit", 502);
        Set(ProxyError.ReplayNoRoute, ErrorReasons.ReplayNoRoute, 502);
        Set(ProxyError.ReplayRefused, ErrorReasons.ReplayRefused, 502);
        foreach (var error in Enum.GetValues<ProxyError>())
        {
            if (entries[(int)error].Label is null) throw new InvalidOperationException($"ProxyError.{error} has no entry");
        }
        return entries;
    }
}
