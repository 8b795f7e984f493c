using Mesh.Domain;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>Checks on request bodies the JSON binder does not make.</summary>
internal static class RequestBody
{
    public static T Present<T>(T? body) where T : class =>
        body ?? throw new MeshException("invalid_request", "request body: a JSON object is required");

    public static string Required(string? value, string field) =>
        value is { Length: > 0 } ? value : throw new MeshException("invalid_request", $"{field}: required");

    public static async Task<string> TextAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }
}
