using System.Net;
using Mesh.Gateway.Hosting;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Gateway.Http;

/// <summary>One pooled HTTP client for every app (connections are reused per instance), set up as YARP recommends for forwarding.</summary>
public sealed class UpstreamHttpClient : IDisposable
{
    private readonly ForwarderRequestConfig _http11;
    private readonly ForwarderRequestConfig _h2c;

    public UpstreamHttpClient(IOptions<GatewayOptions> options)
    {
        var o = options.Value;
        Invoker = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = o.ConnectTimeout,
            // Apps get the platform headers, not trace headers they did not ask for.
            ActivityHeadersPropagator = null,
            // h2c connections carry no HTTP/1.0 answers; HTTP/1.1 ones are guarded.
            PlaintextStreamFilter = (context, _) => ValueTask.FromResult<Stream>(
                context.NegotiatedHttpVersion == HttpVersion.Version11 ? new Http10GuardStream(context.PlaintextStream) : context.PlaintextStream),
        });
        _http11 = new ForwarderRequestConfig { ActivityTimeout = o.UpstreamTimeout, Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        // h2c with prior knowledge: an http:// URI with an exact HTTP/2 policy.
        _h2c = new ForwarderRequestConfig { ActivityTimeout = o.UpstreamTimeout, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
    }

    public HttpMessageInvoker Invoker { get; }

    public ForwarderRequestConfig Config(bool h2Backend) => h2Backend ? _h2c : _http11;

    public void Dispose() => Invoker.Dispose();
}
