using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Health;

/// <summary>
/// An app to check, on a free loopback port (HTTPS with a certificate): <c>/ok</c> 200,
/// <c>/bad</c> 500, <c>/redirect</c> 302 to <c>/ok</c>, <c>/slow</c> never answers, <c>/toggle</c>
/// 200 or 503 as <see cref="Healthy"/> says. Every request and TLS server name is recorded.
/// </summary>
internal sealed class CheckedApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private CheckedApp(WebApplication app, IPEndPoint endpoint, ConcurrentQueue<string?> serverNames)
    {
        _app = app;
        Endpoint = endpoint;
        ServerNames = serverNames;
    }

    public IPEndPoint Endpoint { get; }

    public string Address => Endpoint.ToString();

    public ConcurrentQueue<SeenRequest> Requests { get; } = new();

    /// <summary>The server name (SNI) of each TLS handshake, null when none was sent.</summary>
    public ConcurrentQueue<string?> ServerNames { get; }

    public volatile bool Healthy = true;

    public static async Task<CheckedApp> StartAsync(X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        var serverNames = new ConcurrentQueue<string?>();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo =>
        {
            if (certificate is null) return;
            lo.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, name) =>
                {
                    serverNames.Enqueue(name);
                    return certificate;
                },
            });
        }));
        var app = builder.Build();
        var endpointFeature = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        CheckedApp? self = null;
        app.Run(async context =>
        {
            var request = context.Request;
            self!.Requests.Enqueue(new SeenRequest(
                request.Method,
                request.Path + request.QueryString,
                request.Host.Value ?? "",
                request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
            switch (request.Path.Value)
            {
                case "/ok":
                    context.Response.StatusCode = 200;
                    break;
                case "/bad":
                    context.Response.StatusCode = 500;
                    break;
                case "/redirect":
                    context.Response.Redirect("/ok");
                    break;
                case "/slow":
                    try
                    {
                        await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        // The check gave up and closed the connection.
                    }
                    return;
                case "/toggle":
                    context.Response.StatusCode = self.Healthy ? 200 : 503;
                    break;
                default:
                    context.Response.StatusCode = 404;
                    break;
            }
            await context.Response.WriteAsync("checked\n");
        });
        await app.StartAsync();
        var port = new Uri(endpointFeature.Addresses.First()).Port;
        self = new CheckedApp(app, new IPEndPoint(IPAddress.Loopback, port), serverNames);
        return self;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
