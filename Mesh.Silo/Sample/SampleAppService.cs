using System.Collections.Immutable;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Mesh.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Sample;

/// <summary>
/// The quick start's sample app (<c>--sample</c>): a tiny HTTP server inside the silo process on
/// a free loopback port, registered as the one instance of app <c>hello</c> with a default
/// fly.toml. It needs nothing outside the process, so a fresh machine has something to reach.
/// </summary>
internal sealed class SampleAppService(IGrainFactory grains, SiloSettings settings, IHostApplicationLifetime lifetime, ILogger<SampleAppService> logger) : BackgroundService
{
    public const string AppName = "hello";
    public const string Hostname = "hello.mesh.local";
    private const string MetadataKey = "sample";

    private WebApplication? _server;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Grain calls need the silo to be up, which it is once the host has started.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);

        var instanceId = "";
        _server = BuildServer(() => instanceId);
        await _server.StartAsync(stoppingToken);
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;

        var app = grains.GetGrain<IAppGrain>(AppName);
        if (await app.GetInfo() is null)
        {
            await app.Create("personal");
        }
        var deploy = await app.Deploy(SampleConfig.FlyToml);
        // A dedicated IPv4 too, so that plain `curl http://ADDRESS/` reaches the sample without a Host to route on.
        if ((await app.ListIps()).All(i => i.Kind != IpKind.V4))
        {
            await app.AllocateIp(IpKind.V4);
        }
        if ((await app.ListCertificates()).All(c => c.Hostname != Hostname))
        {
            // The sample's name is the platform's own: no DNS to check, it routes at once.
            await app.AddCertificateSkippingOwnershipCheck(Hostname, null, null);
        }
        // Instances registered by earlier runs point at ports that are gone.
        foreach (var stale in (await app.ListInstances()).Where(i => i.Metadata.ContainsKey(MetadataKey)))
        {
            await grains.GetGrain<IInstanceGrain>(stale.Id).Remove();
        }
        var instance = await app.AddInstance(new InstanceRegistration(
            settings.Region, $"127.0.0.1:{port}", ImmutableDictionary<string, string>.Empty.Add(MetadataKey, "true")));
        instanceId = instance.Id;
        var ips = string.Join(", ", (await app.ListIps()).Select(i => i.Address));
        Console.WriteLine($"mesh-sample ready app={AppName} instance={instance.Id} address=127.0.0.1:{port} release=v{deploy.Release} ips=[{ips}]");
    }

    private WebApplication BuildServer(Func<string> instanceId)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        web.Run(async context =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            var headers = string.Join("\n", context.Request.Headers.Select(h => $"{h.Key}: {h.Value}"));
            await context.Response.WriteAsync(
                $"Hello from Mesh! app={AppName} instance={instanceId()} region={settings.Region}\n" +
                $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} {context.Request.Protocol}\n{headers}\n");
        });
        return web;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
            await _server.DisposeAsync();
        }
        logger.LogInformation("Sample app stopped");
    }
}
