using System.Net;
using Mesh.Acme;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// A real HTTP server (Kestrel) answering http-01 (RFC 8555 §8.3) on the port Pebble dials:
/// <c>/.well-known/acme-challenge/TOKEN</c> for the Host's open challenge gives its key
/// authorization; anything else is 404. It counts the validation requests it answered.
/// </summary>
internal sealed class Http01Responder : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _answered;

    private Http01Responder(WebApplication app) => _app = app;

    public int Answered => Volatile.Read(ref _answered);

    public static async Task<Http01Responder> StartAsync(IPAddress address, int port, TestChallengePublisher challenges)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(address, port));
        var app = builder.Build();
        var responder = new Http01Responder(app);
        app.MapGet("/.well-known/acme-challenge/{token}", (HttpContext context, string token) =>
        {
            var route = challenges.Find(context.Request.Host.Host);
            if (route is null || route.Type != AcmeChallengeType.Http01 || route.Token != token) return Results.NotFound();
            Interlocked.Increment(ref responder._answered);
            return Results.Text(route.KeyAuthorization, "application/octet-stream");
        });
        await app.StartAsync();
        return responder;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
