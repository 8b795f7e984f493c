using Mesh.Gateway.Hosting;
using Mesh.Gateway.Pipeline;
using Mesh.Gateway.Routing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

// Host set-up only: services in GatewayServices, every listener's stages in GatewayPipeline.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddCommandLine(args, GatewayCluster.Switches);
// Before the first socket: the runtime reads this switch once (GatewayOptions.InlineCompletions).
if (builder.Configuration.GetValue("Mesh:Gateway:InlineCompletions", true)) Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
Mesh.Gateway.Epoll.EpollNative.Enabled = Mesh.Gateway.Epoll.EpollNative.Supported && builder.Configuration.GetValue("Mesh:Gateway:EpollSockets", true);
try
{
    builder.AddMeshGateway();
}
catch (Mesh.Domain.MeshException e)
{
    Console.Error.WriteLine($"mesh-gateway: {e.Message}");
    return 1;
}
if (StartupChecks.Run(builder.Configuration, out var error) is not { } settings)
{
    Console.Error.WriteLine($"mesh-gateway: {error}");
    return 1;
}
builder.WebHost.ConfigureKestrel(kestrel => GatewayPipeline.Listen(kestrel, settings));

var app = builder.Build();
app.UseGatewayPipeline();

var state = app.Services.GetRequiredService<GatewayState>();
var options = app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
if (options.AcceptProxyProtocol && settings.TrustedProxies.TrustsEveryone)
{
    // Kept working for existing set-ups behind a private balancer, but said: anyone who can reach
    // the listeners can claim any client address.
    app.Logger.LogWarning("AcceptProxyProtocol is on and Mesh:Gateway:TrustedProxies is empty: PROXY headers from every source are trusted");
}
// The Orleans client's start waits for the cluster; with a table from disk the gateway is ready
// before that, once Kestrel has bound the admin endpoint.
var starting = app.StartAsync();
var admin = await AdminAddress.WhenBoundAsync(app.Services.GetRequiredService<IServer>(), starting);
await Task.WhenAny(starting, state.Ready);
if (starting.IsFaulted) await starting;
await state.Ready;
// Tests and scripts wait for this line.
Console.WriteLine($"mesh-gateway ready region={options.Region} admin={admin} table={state.Table.Version} source={state.Source} listeners={state.Table.Listeners.Count}");
await app.WaitForShutdownAsync();
return 0;
