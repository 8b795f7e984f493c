using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Interfaces.Api;

namespace Mesh.Cli.Api;

/// <summary>
/// The tenant API over HTTP (docs/api.md): bearer token, snake_case JSON into the shared DTOs,
/// problem+json errors as <see cref="Mesh.Domain.MeshException"/>. Connecting is bounded by
/// <see cref="ConnectTimeout"/> and each request by <see cref="RequestTimeout"/>, so a CLI call
/// against a dead or silent API fails in seconds with one line.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    private const int PageLimit = 1000;

    private readonly HttpClient _http;
    private readonly CustomCaTrust? _trust;

    private ApiClient(ApiEndpoint endpoint, HttpClient http, CustomCaTrust? trust)
    {
        Endpoint = endpoint;
        _http = http;
        _trust = trust;
    }

    public ApiEndpoint Endpoint { get; }

    public static ApiClient Create(ApiEndpoint endpoint)
    {
        var trust = endpoint.CaFile is null ? null : CustomCaTrust.FromPemFile(endpoint.CaFile, "--ca");
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // A CLI's few calls go to one API; a proxy picked up from the environment would only
            // get between the CLI and a loopback or cluster-internal address.
            UseProxy = false,
        };
        if (trust is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.Validate(certificate, chain, errors);
        }
        // Our own per-request deadline decides; HttpClient's would be indistinguishable from Ctrl-C.
        var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan, BaseAddress = endpoint.Url };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.Token);
        http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("mesh-cli", "1"));
        return new ApiClient(endpoint, http, trust);
    }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellation)
    {
        var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellation);
        return Read<T>(text, path);
    }

    /// <summary>Every item of a paginated list, following <c>next_cursor</c> to the end.</summary>
    public async Task<List<T>> ListAsync<T>(string path, CancellationToken cancellation)
    {
        var items = new List<T>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            var query = $"{path}{(path.Contains('?') ? '&' : '?')}limit={PageLimit}" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, query), cancellation);
            var page = ReadPage<T>(text, path);
            items.AddRange(page.Items);
            cursor = page.NextCursor;
            if (cursor is not null && !seen.Add(cursor))
            {
                throw ApiFailure.BadAnswer(Endpoint, $"{path} repeated the cursor '{cursor}'");
            }
        }
        while (cursor is not null);
        return items;
    }

    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellation)
    {
        var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) }, cancellation);
        return Read<T>(text, path);
    }

    public async Task<T> PutTextAsync<T>(string path, string body, string mediaType, CancellationToken cancellation)
    {
        var text = await SendAsync(() => new HttpRequestMessage(HttpMethod.Put, path) { Content = new StringContent(body, Encoding.UTF8, mediaType) }, cancellation);
        return Read<T>(text, path);
    }

    public Task DeleteAsync(string path, CancellationToken cancellation) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, path), cancellation);

    /// <summary>A path segment: app names, addresses (IPv6 has colons), hostnames, ids.</summary>
    public static string Segment(string value) => Uri.EscapeDataString(value);

    private async Task<string> SendAsync(Func<HttpRequestMessage> request, CancellationToken cancellation)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        deadline.CancelAfter(RequestTimeout);
        try
        {
            using var message = request();
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, deadline.Token);
            var text = await response.Content.ReadAsStringAsync(deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw ProblemReader.ToException(response.StatusCode, text, Endpoint.ToString());
            }
            return text;
        }
        catch (HttpRequestException e)
        {
            throw ApiFailure.Unreachable(e, Endpoint, _trust?.LastProblem);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            // Ours (the per-request deadline) or the handler's connect timeout: either way no answer.
            throw deadline.IsCancellationRequested ? ApiFailure.NoAnswer(Endpoint, RequestTimeout) : ApiFailure.ConnectTimeout(Endpoint, ConnectTimeout);
        }
    }

    private static StringContent Json(object? body) =>
        new(JsonSerializer.Serialize(body, body?.GetType() ?? typeof(object), ApiJson.Options), Encoding.UTF8, "application/json");

    private T Read<T>(string text, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, ApiJson.Options) ?? throw ApiFailure.BadAnswer(Endpoint, $"{path}: null");
        }
        catch (JsonException e)
        {
            throw ApiFailure.BadAnswer(Endpoint, $"{path}: {e.Message}");
        }
    }

    /// <summary>A page, or (tolerated) a bare JSON array as one last page.</summary>
    private Page<T> ReadPage<T>(string text, string path)
    {
        try
        {
            var trimmed = text.AsSpan().TrimStart();
            if (trimmed.Length > 0 && trimmed[0] == '[')
            {
                return new Page<T>(JsonSerializer.Deserialize<List<T>>(text, ApiJson.Options) ?? [], null);
            }
            var page = JsonSerializer.Deserialize<Page<T>>(text, ApiJson.Options);
            return page?.Items is not null ? page : throw ApiFailure.BadAnswer(Endpoint, $"{path}: no items");
        }
        catch (JsonException e)
        {
            throw ApiFailure.BadAnswer(Endpoint, $"{path}: {e.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
