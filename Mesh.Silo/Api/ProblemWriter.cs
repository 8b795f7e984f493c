using System.Text.Json;
using Mesh.Domain;
using Mesh.Interfaces.Api;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary>Writes problems (RFC 9457) and knows which status an exception becomes.</summary>
internal static class ProblemWriter
{
    public static int StatusOf(Exception e) => e switch
    {
        ApiRefusal r => r.Status,
        MeshException m => ProblemStatus.For(m.Code),
        BadHttpRequestException b => b.StatusCode,
        _ => 500,
    };

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ApiProblem.ContentType;
        return context.Response.WriteAsync(JsonSerializer.Serialize(ApiProblem.For(status, code, OneLine(message)), ApiJson.Options));
    }

    public static string OneLine(string message) =>
        string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
