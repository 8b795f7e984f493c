using System.Net.Http.Headers;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http;

/// <summary>
/// Sets the platform's headers on the request to the app and on the response (DESIGN §4.3, §8):
/// proxy-owned headers replace whatever the client sent; X-Forwarded-For gets the client
/// appended; X-Forwarded-Port keeps a client value while Fly-Forwarded-Port is always the real
/// one. Responses carry Via, Fly-Request-Id and Server unless the port is <c>pristine</c>, then
/// the port's <c>http_options.response.headers</c> rules.
/// </summary>
public sealed class PlatformTransformer : HttpTransformer
{
    public const string ServerHeader = "Mesh";

    public static PlatformTransformer Instance { get; } = new();

    public override async ValueTask TransformRequestAsync(HttpContext context, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(context, proxyRequest, destinationPrefix, cancellationToken);
        var info = context.Features.Get<ProxiedRequest>()!;
        var headers = proxyRequest.Headers;
        var sent = context.Request.Headers;
        // Headers the client's Connection names are for this hop only (RFC 9110 §7.6.1).
        foreach (var name in info.HopHeaders)
        {
            headers.Remove(name);
            proxyRequest.Content?.Headers.Remove(name);
        }
        headers.Host = context.Request.Host.Value;
        // Concurrency by connections (the default): every request is its own upstream connection,
        // counted while it lasts; "requests" reuses pooled connections (fly-reference §1D).
        // An upgrade (WebSocket) keeps its connection for itself anyway.
        if (info.Route.Service.Concurrency.Type == ConcurrencyConfig.Connections && proxyRequest.Version.Major == 1
            && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature>()?.IsUpgradableRequest != true)
        {
            headers.ConnectionClose = true;
        }
        // Client-sent Fly-* headers (other than the steering ones) are the proxy's to set. The
        // non-validated view enumerates without allocating; spoofs are rare, so the list is too.
        List<string>? spoofed = null;
        foreach (var (name, _) in headers.NonValidated)
        {
            if (name.StartsWith("Fly-", StringComparison.OrdinalIgnoreCase) && !PlatformHeaders.ClientMaySend(name)) (spoofed ??= []).Add(name);
        }
        if (spoofed is not null)
        {
            foreach (var name in spoofed) headers.Remove(name);
        }
        Set(headers, sent, PlatformHeaders.ClientIp, info.ClientIp);
        var forwardedFor = context.Request.Headers[PlatformHeaders.ForwardedFor].ToString();
        Set(headers, sent, PlatformHeaders.ForwardedFor, string.IsNullOrEmpty(forwardedFor) ? info.ClientIp : forwardedFor + ", " + info.ClientIp);
        var proto = info.Https ? "https" : "http";
        Set(headers, sent, PlatformHeaders.ForwardedProto, proto);
        Set(headers, sent, PlatformHeaders.FlyForwardedProto, proto);
        Set(headers, sent, PlatformHeaders.ForwardedSsl, info.Https ? "on" : "off");
        Set(headers, sent, PlatformHeaders.FlyForwardedSsl, info.Https ? "on" : "off");
        var port = PortText(info.Port);
        if (!sent.ContainsKey(PlatformHeaders.ForwardedPort)) Set(headers, sent, PlatformHeaders.ForwardedPort, port);
        Set(headers, sent, PlatformHeaders.FlyForwardedPort, port);
        Set(headers, sent, PlatformHeaders.Region, info.Region);
        Set(headers, sent, PlatformHeaders.RequestId, info.RequestId);
        Set(headers, sent, PlatformHeaders.RequestStart, $"t={info.StartMicroseconds}");
        if (info.ReplaySource is { } source) Set(headers, sent, ReplayDirective.SourceHeader, source);
        if (info.PreferredInstanceUnavailable is { } missing) Set(headers, sent, PlatformHeaders.PreferredInstanceUnavailable, missing);
        var via = context.Request.Headers[PlatformHeaders.Via].ToString();
        var hop = Hop(context.Request.Protocol);
        Set(headers, sent, PlatformHeaders.Via, string.IsNullOrEmpty(via) ? hop : via + ", " + hop);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext context, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var info = context.Features.Get<ProxiedRequest>()!;
        if (info.Replayable && proxyResponse is not null && proxyResponse.Headers.TryGetValues(ReplayDirective.Header, out var values)
            && ReplayDirective.Parse(string.Join(';', values)) is { } replay)
        {
            // The client never sees this answer: the gateway sends the request again.
            info.Replay = replay;
            return false;
        }
        var copy = await base.TransformResponseAsync(context, proxyResponse, cancellationToken);
        var options = info.Route.Port.HttpOptions;
        var response = context.Response.Headers;
        if (proxyResponse is not null && proxyResponse.Headers.TryGetValues("Connection", out var appConnection))
        {
            foreach (var name in ConnectionOptions.Named(new Microsoft.Extensions.Primitives.StringValues([.. appConnection]))) response.Remove(name);
        }
        if (options?.Pristine != true)
        {
            response[PlatformHeaders.Via] = string.IsNullOrEmpty(response[PlatformHeaders.Via]) ? Hop(context.Request.Protocol) : response[PlatformHeaders.Via] + ", " + Hop(context.Request.Protocol);
            response[PlatformHeaders.RequestId] = info.RequestId;
            response.Server = ServerHeader;
        }
        foreach (var rule in options?.ResponseHeaders ?? [])
        {
            if (rule.Remove) response.Remove(rule.Name);
            else response.Append(rule.Name, rule.Values.ToArray());
        }
        return copy;
    }

    /// <summary>"1.1", "2", "1.0": how Via names a protocol version (RFC 9110 §7.6.3).</summary>
    public static string ProtocolVersion(string protocol) => protocol switch
    {
        "HTTP/2" => "2",
        "HTTP/3" => "3",
        "HTTP/1.0" => "1.0",
        _ => "1.1",
    };

    /// <summary>This gateway's Via entry for a client protocol, without formatting a string per request.</summary>
    public static string Hop(string protocol) => protocol switch
    {
        "HTTP/2" => "2 mesh",
        "HTTP/3" => "3 mesh",
        "HTTP/1.0" => "1.0 mesh",
        _ => "1.1 mesh",
    };

    private static string PortText(int port) => port switch
    {
        80 => "80",
        443 => "443",
        _ => port.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Replaces a header; the outgoing copy of the client's headers holds it only if the client sent it.</summary>
    private static void Set(HttpRequestHeaders headers, IHeaderDictionary sent, string name, string value)
    {
        if (sent.ContainsKey(name)) headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }
}
