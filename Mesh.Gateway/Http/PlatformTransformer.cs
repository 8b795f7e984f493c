using System.Net.Http.Headers;
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
        var info = (ProxiedRequest)context.Items[ProxiedRequest.ItemKey]!;
        var headers = proxyRequest.Headers;
        headers.Host = context.Request.Host.Value;
        foreach (var name in headers.Select(h => h.Key).Where(n => n.StartsWith("Fly-", StringComparison.OrdinalIgnoreCase) && !PlatformHeaders.ClientMaySend(n)).ToList())
        {
            headers.Remove(name);
        }
        Set(headers, PlatformHeaders.ClientIp, info.ClientIp);
        var forwardedFor = context.Request.Headers[PlatformHeaders.ForwardedFor].ToString();
        Set(headers, PlatformHeaders.ForwardedFor, string.IsNullOrEmpty(forwardedFor) ? info.ClientIp : forwardedFor + ", " + info.ClientIp);
        var proto = info.Https ? "https" : "http";
        Set(headers, PlatformHeaders.ForwardedProto, proto);
        Set(headers, PlatformHeaders.FlyForwardedProto, proto);
        Set(headers, PlatformHeaders.ForwardedSsl, info.Https ? "on" : "off");
        Set(headers, PlatformHeaders.FlyForwardedSsl, info.Https ? "on" : "off");
        if (!headers.Contains(PlatformHeaders.ForwardedPort)) Set(headers, PlatformHeaders.ForwardedPort, info.Port.ToString());
        Set(headers, PlatformHeaders.FlyForwardedPort, info.Port.ToString());
        Set(headers, PlatformHeaders.Region, info.Region);
        Set(headers, PlatformHeaders.RequestId, info.RequestId);
        Set(headers, PlatformHeaders.RequestStart, $"t={info.StartMicroseconds}");
        if (info.ReplaySource is { } source) Set(headers, ReplayDirective.SourceHeader, source);
        if (info.PreferredInstanceUnavailable is { } missing) Set(headers, PlatformHeaders.PreferredInstanceUnavailable, missing);
        var via = context.Request.Headers[PlatformHeaders.Via].ToString();
        var hop = $"{ProtocolVersion(context.Request.Protocol)} mesh";
        Set(headers, PlatformHeaders.Via, string.IsNullOrEmpty(via) ? hop : via + ", " + hop);
    }

    public override async ValueTask<bool> TransformResponseAsync(HttpContext context, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var info = (ProxiedRequest)context.Items[ProxiedRequest.ItemKey]!;
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
        if (options?.Pristine != true)
        {
            response[PlatformHeaders.Via] = string.IsNullOrEmpty(response[PlatformHeaders.Via]) ? $"{ProtocolVersion(context.Request.Protocol)} mesh" : response[PlatformHeaders.Via] + ", mesh";
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

    private static void Set(HttpRequestHeaders headers, string name, string value)
    {
        headers.Remove(name);
        headers.TryAddWithoutValidation(name, value);
    }
}
