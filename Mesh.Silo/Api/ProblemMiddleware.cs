using System.Text.Json;
using Mesh.Domain;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Api;

/// <summary>
/// Turns every failure into a problem: refusals (counted), platform errors with their one-line
/// message, bad requests, and anything unexpected as a 500 whose details stay in the silo log.
/// </summary>
internal sealed class ProblemMiddleware(RequestDelegate next, RefusalCounter refusals, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            await WriteAsync(context, e);
        }
    }

    private Task WriteAsync(HttpContext context, Exception e)
    {
        switch (e)
        {
            case ApiRefusal refusal:
                refusals.Record(refusal, context.Request.Method, context.Request.Path);
                if (refusal.Challenge is not null)
                {
                    context.Response.Headers.WWWAuthenticate = refusal.Challenge;
                }
                return ProblemWriter.WriteAsync(context, refusal.Status, refusal.Code, refusal.Message);
            case MeshException mesh:
                return ProblemWriter.WriteAsync(context, ProblemStatus.For(mesh.Code), mesh.Code, mesh.Message);
            case BadHttpRequestException bad:
                return ProblemWriter.WriteAsync(context, bad.StatusCode, "invalid_request", Describe(bad));
            default:
                logger.LogError(e, "unexpected error in {Method} {Path}", context.Request.Method, context.Request.Path);
                return ProblemWriter.WriteAsync(context, 500, "internal_error", "internal error; the silo log has the details");
        }
    }

    private static string Describe(BadHttpRequestException bad) =>
        bad.InnerException is JsonException { Path: { } path }
            ? $"request body: invalid JSON at {path}"
            : bad.Message;
}
