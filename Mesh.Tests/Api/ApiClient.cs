using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Mesh.Interfaces.Api;

namespace Mesh.Tests.Api;

/// <summary>A plain HttpClient against a silo's tenant API, as one token (or none).</summary>
internal sealed class ApiClient(string baseUrl, string? token, string? caPath = null) : IDisposable
{
    private readonly HttpClient _http = new(Handler(caPath)) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromSeconds(30) };

    public string BaseUrl => baseUrl;

    public ApiClient As(string? otherToken) => new(baseUrl, otherToken, caPath);

    /// <summary>A cluster silo's API is HTTPS with a certificate from the cluster CA: trust that CA only.</summary>
    private static SocketsHttpHandler Handler(string? caPath)
    {
        var handler = new SocketsHttpHandler();
        if (caPath is not null)
        {
            var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
            roots.ImportFromPemFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0) return false;
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
            };
        }
        return handler;
    }

    public Task<ApiResponse> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<ApiResponse> PostAsync(string path, object? body = null) =>
        SendAsync(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body, body.GetType(), options: ApiJson.Options));

    public Task<ApiResponse> PutTextAsync(string path, string text) =>
        SendAsync(HttpMethod.Put, path, new StringContent(text, Encoding.UTF8, "application/toml"));

    public Task<ApiResponse> DeleteAsync(string path) => SendAsync(HttpMethod.Delete, path, null);

    public async Task<T> OkAsync<T>(Task<ApiResponse> call)
    {
        var response = await call;
        Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.Created, $"expected success, got {(int)response.Status}: {response.Body}");
        return response.As<T>();
    }

    private async Task<ApiResponse> SendAsync(HttpMethod method, string path, HttpContent? content)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await _http.SendAsync(request);
        return new ApiResponse(response.StatusCode, await response.Content.ReadAsStringAsync(),
            response.Content.Headers.ContentType?.MediaType, response.Headers.WwwAuthenticate.ToString());
    }

    public void Dispose() => _http.Dispose();
}

internal sealed record ApiResponse(HttpStatusCode Status, string Body, string? ContentType, string WwwAuthenticate)
{
    public T As<T>() => JsonSerializer.Deserialize<T>(Body, ApiJson.Options)!;

    public ApiProblem Problem()
    {
        Assert.Equal(ApiProblem.ContentType, ContentType);
        return As<ApiProblem>();
    }
}
