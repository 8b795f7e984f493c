using System.Net;
using System.Net.WebSockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Infrastructure;

/// <summary>
/// An HTTP app instance on a free loopback port that answers with its name, the request line it
/// received and every request header, one per line. <c>/slow</c> waits 30 s; <c>/ws</c> echoes
/// WebSocket messages. With <c>h2cOnly</c> it speaks only HTTP/2 with prior knowledge (an
/// <c>h2_backend</c> app such as a gRPC server).
/// </summary>
internal sealed class HttpEchoApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private HttpEchoApp(WebApplication app, string name, string address, TaskCompletionSource slowStarted)
    {
        _app = app;
        _slowStarted = slowStarted;
        Name = name;
        Address = address;
    }

    public string Name { get; }

    public string Address { get; }

    /// <summary>Completes when a <c>/slow</c> request has reached the app (it then holds its slot).</summary>
    public Task SlowStarted => _slowStarted.Task;

    private readonly TaskCompletionSource _slowStarted;

    public static async Task<HttpEchoApp> StartAsync(string name, bool h2cOnly = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, lo => lo.Protocols = h2cOnly ? HttpProtocols.Http2 : HttpProtocols.Http1));
        var app = builder.Build();
        var slowStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.UseWebSockets();
        app.Run(async context =>
        {
            if (context.Request.Path == "/ws" && context.WebSockets.IsWebSocketRequest)
            {
                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                var buffer = new byte[4096];
                while (true)
                {
                    var r = await socket.ReceiveAsync(buffer, CancellationToken.None);
                    if (r.MessageType == WebSocketMessageType.Close) break;
                    await socket.SendAsync(buffer.AsMemory(0, r.Count), r.MessageType, r.EndOfMessage, CancellationToken.None);
                }
                await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
                return;
            }
            // /replay?to=DIRECTIVE answers with fly-replay once (until the request comes back as a replay);
            // /loop always asks to be replayed elsewhere.
            if ((context.Request.Path == "/replay" && !context.Request.Headers.ContainsKey("fly-replay-src")) || context.Request.Path == "/loop")
            {
                context.Response.Headers["fly-replay"] = context.Request.Path == "/loop" ? "elsewhere=true" : context.Request.Query["to"].ToString();
                await context.Response.WriteAsync("replay me\n");
                return;
            }
            // /bytes?n=N answers with N bytes of a known pattern (Pattern), to check large bodies arrive whole.
            if (context.Request.Path == "/bytes")
            {
                var n = int.Parse(context.Request.Query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture);
                context.Response.ContentLength = n;
                var chunk = Pattern(26 * 2520);
                for (var sent = 0; sent < n; sent += chunk.Length)
                {
                    await context.Response.Body.WriteAsync(chunk.AsMemory(0, Math.Min(chunk.Length, n - sent)));
                }
                return;
            }
            if (context.Request.Path == "/slow")
            {
                slowStarted.TrySetResult();
                await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            var lines = new List<string>
            {
                $"instance={name}",
                $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Protocol}",
            };
            using var reader = new StreamReader(context.Request.Body);
            lines.Add($"body={(await reader.ReadToEndAsync()).Length}");
            lines.AddRange(context.Request.Headers.Select(h => $"{h.Key}: {h.Value}"));
            context.Response.Headers["X-App"] = name;
            await context.Response.WriteAsync(string.Join("\n", lines) + "\n");
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return new HttpEchoApp(app, name, $"127.0.0.1:{address.Port}", slowStarted);
    }

    /// <summary>The bytes /bytes answers with: a run of the alphabet repeated (any prefix of it is the same prefix).</summary>
    public static byte[] Pattern(int length)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++) bytes[i] = (byte)('a' + (i % 26));
        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
