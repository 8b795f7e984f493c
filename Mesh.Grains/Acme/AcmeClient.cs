using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Acme;

/// <summary>
/// The HTTP shell of the ACME client (RFC 8555): one session with one CA and one account key.
/// Every POST is a JWS (<see cref="AcmeJws"/>) with a nonce from the pool, retried on badNonce;
/// every failure is an <see cref="AcmeException"/> (a problem document's type, or
/// <c>connection</c> when the CA cannot be reached).
/// </summary>
internal sealed class AcmeClient(HttpClient http, string directoryUrl, ECDsa accountKey, TimeProvider time)
{
    /// <summary>
    /// badNonce is retried this many times per request. Pebble rejects 5% of good nonces by
    /// default; a CA rejecting a few in a row is normal, ten in a row is not.
    /// </summary>
    public const int MaxNonceAttempts = 10;

    private const string JoseJson = "application/jose+json";
    private const string PemChain = "application/pem-certificate-chain";

    // Polling an object still pending (RFC 8555 §7.5.1): start fast (Pebble validates in
    // milliseconds), back off to a few seconds; the CA's Retry-After wins when it sends one.
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxPoll = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxRetryAfterWhilePolling = TimeSpan.FromSeconds(60);

    /// <summary>How long validation or issuance may stay pending before the attempt gives up.</summary>
    public static readonly TimeSpan PollDeadline = TimeSpan.FromMinutes(3);

    private readonly AcmeNoncePool _nonces = new();
    private AcmeDirectory? _directory;

    /// <summary>The account URL (the JWS <c>kid</c>); null until the account is known or created.</summary>
    public string? AccountUrl { get; set; }

    public string Thumbprint { get; } = AcmeJwk.Thumbprint(accountKey);

    /// <summary>How many requests of this session were signed again after a badNonce.</summary>
    public int BadNonceRetries => _badNonceRetries;

    private int _badNonceRetries;

    public AcmeDirectory Directory => _directory ?? throw new InvalidOperationException("the directory has not been fetched");

    public async Task<AcmeDirectory> GetDirectoryAsync(CancellationToken cancellationToken)
    {
        var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, directoryUrl), directoryUrl, cancellationToken);
        _directory = AcmeDirectory.Parse(response.Body);
        return _directory;
    }

    /// <summary>newAccount (§7.3), agreeing to the terms; a key that already has an account gets that account back.</summary>
    public async Task<string> CreateAccountAsync(string? email, CancellationToken cancellationToken)
    {
        var payload = new JsonObject { ["termsOfServiceAgreed"] = true };
        if (!string.IsNullOrWhiteSpace(email)) payload["contact"] = new JsonArray($"mailto:{email}");
        var response = await PostAsync(Directory.NewAccount, payload, useJwk: true, cancellationToken);
        AccountUrl = response.Location ?? throw AcmeJson.Malformed("account", "the response has no Location");
        return AccountUrl;
    }

    /// <summary>newOrder (§7.4) for one DNS name.</summary>
    public async Task<AcmeOrder> NewOrderAsync(string hostname, CancellationToken cancellationToken)
    {
        var payload = new JsonObject
        {
            ["identifiers"] = new JsonArray(new JsonObject { ["type"] = "dns", ["value"] = hostname }),
        };
        var response = await PostAsync(Directory.NewOrder, payload, useJwk: false, cancellationToken);
        var url = response.Location ?? throw AcmeJson.Malformed("order", "the response has no Location");
        return AcmeOrder.Parse(url, response.Body);
    }

    public async Task<AcmeOrder> GetOrderAsync(string url, CancellationToken cancellationToken) =>
        AcmeOrder.Parse(url, (await PostAsGetAsync(url, cancellationToken)).Body);

    public async Task<AcmeAuthorization> GetAuthorizationAsync(string url, CancellationToken cancellationToken) =>
        AcmeAuthorization.Parse((await PostAsGetAsync(url, cancellationToken)).Body);

    /// <summary>Tells the CA the challenge is ready to be validated (§7.5.1): an empty JSON object.</summary>
    public Task RespondToChallengeAsync(string url, CancellationToken cancellationToken) =>
        PostAsync(url, new JsonObject(), useJwk: false, cancellationToken);

    /// <summary>Polls the authorization until it is no longer pending.</summary>
    public Task<AcmeAuthorization> WaitForAuthorizationAsync(string url, CancellationToken cancellationToken) =>
        PollAsync(url, body => AcmeAuthorization.Parse(body), a => a.Status, "authorization", cancellationToken);

    /// <summary>Polls the order until it is neither pending nor processing.</summary>
    public Task<AcmeOrder> WaitForOrderAsync(string url, CancellationToken cancellationToken) =>
        PollAsync(url, body => AcmeOrder.Parse(url, body), o => o.Status, "order", cancellationToken);

    /// <summary>Finalize (§7.4) with a DER CSR; the order comes back processing or valid.</summary>
    public async Task<AcmeOrder> FinalizeAsync(AcmeOrder order, byte[] csr, CancellationToken cancellationToken)
    {
        var response = await PostAsync(order.Finalize, new JsonObject { ["csr"] = Base64Url.Encode(csr) }, useJwk: false, cancellationToken);
        return AcmeOrder.Parse(order.Url, response.Body);
    }

    /// <summary>The issued chain (§7.4.2), leaf first, as PEM.</summary>
    public async Task<string> DownloadCertificateAsync(string url, CancellationToken cancellationToken)
    {
        var response = await PostAsync(url, null, useJwk: false, cancellationToken, accept: PemChain);
        if (!response.Body.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
        {
            throw AcmeJson.Malformed("certificate", "it is not a PEM certificate chain");
        }
        return response.Body;
    }

    public Task<AcmeResponse> PostAsGetAsync(string url, CancellationToken cancellationToken) =>
        PostAsync(url, null, useJwk: false, cancellationToken);

    private async Task<T> PollAsync<T>(string url, Func<string, T> parse, Func<T, string> status, string what, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + PollDeadline;
        var interval = FirstPoll;
        while (true)
        {
            var response = await PostAsGetAsync(url, cancellationToken);
            var value = parse(response.Body);
            if (!AcmeStatus.IsInProgress(status(value))) return value;
            var now = time.GetUtcNow();
            if (now >= deadline)
            {
                throw new AcmeException(AcmeProblem.Timeout, $"the {what} at {url} is still {status(value)} after {PollDeadline.TotalMinutes:0} minutes");
            }
            var wait = response.RetryAfter is { } retry ? TimeSpan.FromTicks(Math.Min(retry.Ticks, MaxRetryAfterWhilePolling.Ticks)) : interval;
            if (now + wait > deadline) wait = deadline - now;
            await Task.Delay(wait, time, cancellationToken);
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>A signed POST; on badNonce it signs again with a fresh nonce (the error response carries one, §6.5).</summary>
    private async Task<AcmeResponse> PostAsync(string url, JsonNode? payload, bool useJwk, CancellationToken cancellationToken, string accept = "application/json")
    {
        var kid = useJwk ? null : AccountUrl ?? throw new InvalidOperationException("no ACME account yet");
        for (var attempt = 1; ; attempt++)
        {
            var nonce = await TakeNonceAsync(cancellationToken);
            var body = AcmeJws.Sign(accountKey, url, nonce, kid, payload);
            try
            {
                return await SendAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8) };
                    request.Content.Headers.ContentType = new MediaTypeHeaderValue(JoseJson);
                    request.Headers.Accept.ParseAdd(accept);
                    return request;
                }, url, cancellationToken);
            }
            catch (AcmeException e) when (e.Type == AcmeProblem.BadNonce && attempt < MaxNonceAttempts)
            {
                Interlocked.Increment(ref _badNonceRetries);
            }
        }
    }

    private async Task<string> TakeNonceAsync(CancellationToken cancellationToken)
    {
        if (_nonces.TryTake(out var nonce)) return nonce;
        var url = Directory.NewNonce;
        await SendAsync(() => new HttpRequestMessage(HttpMethod.Head, url), url, cancellationToken);
        return _nonces.TryTake(out nonce) ? nonce : throw AcmeJson.Malformed("newNonce response", "it has no Replay-Nonce");
    }

    /// <summary>One exchange: keeps the Replay-Nonce of every response, turns errors into <see cref="AcmeException"/>.</summary>
    private async Task<AcmeResponse> SendAsync(Func<HttpRequestMessage> build, string url, CancellationToken cancellationToken)
    {
        using var request = build();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or AuthenticationException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw Unreachable(url, e);
        }
        using (response)
        {
            if (response.Headers.TryGetValues("Replay-Nonce", out var nonces))
            {
                foreach (var n in nonces) _nonces.Add(n);
            }
            string body;
            try
            {
                body = await response.Content.ReadAsStringAsync(cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                throw Unreachable(url, e);
            }
            var retryAfter = response.Headers.TryGetValues("Retry-After", out var values) ? RetryAfter.Parse(values.FirstOrDefault(), time.GetUtcNow()) : null;
            if (!response.IsSuccessStatusCode)
            {
                throw AcmeProblem.FromResponse(body, (int)response.StatusCode, url, retryAfter);
            }
            var location = response.Headers.Location is { } l ? new Uri(new Uri(url), l).ToString() : null;
            return new AcmeResponse((int)response.StatusCode, body, location, retryAfter);
        }
    }

    private static AcmeException Unreachable(string url, Exception e)
    {
        var reason = e;
        while (reason.InnerException is not null) reason = reason.InnerException;
        var why = e is TaskCanceledException ? "timed out" : AcmeProblem.OneLine(reason.Message);
        var authority = Uri.TryCreate(url, UriKind.Absolute, out var uri) ? uri.GetLeftPart(UriPartial.Authority) : url;
        return new AcmeException(AcmeProblem.Connection, $"cannot reach the ACME server at {authority}: {why}", inner: e);
    }
}
