using Mesh.Domain;
using Mesh.Hosting;
using Mesh.Silo.Hosting;
using Mesh.Silo.Sample;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

SiloSettings settings;
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [] });
builder.Configuration.AddCommandLine(args, SiloSettings.Switches);
try
{
    settings = SiloSettings.From(builder.Configuration);
    if (settings.Embedded) DataDirectoryLock.Hold(settings.DataDirectory);
}
catch (MeshException e)
{
    Console.Error.WriteLine($"mesh-silo: {e.Message}");
    return 1;
}
catch (FormatException e)
{
    Console.Error.WriteLine($"mesh-silo: {e.Message}");
    return 1;
}

// Orleans is chatty at Information; keep its warnings and our own messages.
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Polly", LogLevel.Warning);
builder.UseOrleans(silo => MeshSiloBuilder.Configure(silo, settings, builder.Configuration));
if (settings.Sample)
{
    builder.Services.AddHostedService<SampleAppService>();
}
builder.Services.AddSingleton(settings);

using var host = builder.Build();
var started = System.Diagnostics.Stopwatch.StartNew();
await host.StartAsync();
if (settings.Embedded)
{
    new EmbeddedEndpoint(settings.GatewayPort, settings.SiloPort, settings.Region, Environment.ProcessId).WriteTo(settings.DataDirectory);
}
var mode = settings.Embedded ? $"embedded data={settings.DataDirectory}" : "cluster redis";
// Tests and scripts wait for this line.
Console.WriteLine($"mesh-silo ready region={settings.Region} mode={mode} gateway={settings.AdvertisedAddress}:{settings.GatewayPort} started_ms={started.ElapsedMilliseconds}");
await host.WaitForShutdownAsync();
return 0;
