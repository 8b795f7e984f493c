using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using Mesh.Interfaces.Config;

namespace Mesh.Gateway.Health;

/// <summary>
/// An <c>http_checks</c> run: the check's method, path and headers sent to
/// <c>http(s)://ENDPOINT</c>; a 2xx within the timeout passes, anything else (a redirect
/// included: it is not followed) fails. The Host header is <c>tls_server_name</c> when set, else
/// the endpoint, unless the check sets one; SocketsHttpHandler also takes the TLS server name
/// (SNI) from it. Connections are pooled per endpoint, one handler for all checks, with a short
/// lifetime so instances that go away do not hold sockets and a check soon dials afresh. Checks
/// that skip certificate verification get a handler of their own: a pooled connection made
/// without verification must never serve a check that verifies.
/// </summary>
public sealed class HttpProbe : IDisposable
{
    private static readonly TimeSpan ConnectionLifetime = TimeSpan.FromSeconds(30);
    private static readonly ProductInfoHeaderValue UserAgent = new("mesh-health-check", "1");

    private readonly HttpMessageInvoker _verifying = new(Handler(skipVerify: false));
    private readonly HttpMessageInvoker _skipVerify = new(Handler(skipVerify: true));

    public async Task<HealthCheckResult> CheckAsync(IPEndPoint endpoint, HttpCheckConfig check, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(check.Timeout);
        try
        {
            using var request = Request(endpoint, check);
            using var response = await (check.TlsSkipVerify ? _skipVerify : _verifying).SendAsync(request, deadline.Token);
            var code = (int)response.StatusCode;
            return code is >= 200 and < 300 ? HealthCheckResult.Pass(ProbeText.Status(code)) : HealthCheckResult.Fail(ProbeText.Status(code));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Fail($"no response within {ProbeText.Duration(check.Timeout)}");
        }
        catch (HttpRequestException e)
        {
            return HealthCheckResult.Fail(ProbeText.Http(e));
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            // A method, path or header the config let through but HTTP does not accept.
            return HealthCheckResult.Fail("invalid request: " + e.Message);
        }
    }

    private static HttpRequestMessage Request(IPEndPoint endpoint, HttpCheckConfig check)
    {
        var scheme = string.Equals(check.Protocol, "https", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        var path = check.Path.StartsWith('/') ? check.Path : "/" + check.Path;
        var request = new HttpRequestMessage(new HttpMethod(check.Method), new Uri($"{scheme}://{endpoint}{path}"))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (check.TlsServerName is { Length: > 0 } serverName) request.Headers.Host = serverName;
        foreach (var header in check.Headers)
        {
            if (string.Equals(header.Name, "Host", StringComparison.OrdinalIgnoreCase)) request.Headers.Host = header.Value;
            else request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }
        // Apps can tell checks from traffic, unless the check says who it is itself.
        if (!request.Headers.Contains("User-Agent")) request.Headers.UserAgent.Add(UserAgent);
        return request;
    }

    public void Dispose()
    {
        _verifying.Dispose();
        _skipVerify.Dispose();
    }

    private static SocketsHttpHandler Handler(bool skipVerify) => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
        PooledConnectionLifetime = ConnectionLifetime,
        PooledConnectionIdleTimeout = ConnectionLifetime,
        // Apps get the check's headers, not trace headers.
        ActivityHeadersPropagator = null,
        SslOptions = skipVerify ? new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true } : new SslClientAuthenticationOptions(),
    };
}
