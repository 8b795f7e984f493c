using Mesh.Domain;
using Mesh.Domain.Egress;
using Mesh.Hosting;
using Mesh.Silo.Api;
using Mesh.Silo.Hosting;
using Mesh.Silo.Sample;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

SiloSettings settings;
ApiSettings api;
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [] });
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>(SiloSettings.Switches.Concat(ApiSettings.Switches)));
try
{
    settings = SiloSettings.From(builder.Configuration);
    if (settings.Embedded) DataDirectoryLock.Hold(settings.DataDirectory);
    api = ApiSettings.From(builder.Configuration, settings);
    // A mistyped egress address stops the silo here, naming the key, rather than at the first registration.
    _ = EgressTable.From(builder.Configuration.GetSection(RegionEgressOptions.Section).Get<RegionEgressOptions>() ?? new());
    // A bad Mesh:Acme value stops the start with one line, before Orleans is configured.
    Mesh.Acme.AcmeOptions.From(builder.Configuration);
    builder.AddMeshApi(settings, api);
}
catch (Exception e) when (e is MeshException or FormatException)
{
    Console.Error.WriteLine($"mesh-silo: {e.Message}");
    return 1;
}

// Orleans is chatty at Information; keep its warnings and our own messages, one line each.
builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
builder.Logging.AddFilter("Orleans", LogLevel.Warning);
builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
builder.Logging.AddFilter("Polly", LogLevel.Warning);
// Instances may never be registered at the API's own endpoint (nor at Orleans', which membership gives).
builder.UseOrleans(silo => MeshSiloBuilder.Configure(silo, settings, builder.Configuration, api.Endpoint(settings)));
if (settings.Sample)
{
    builder.Services.AddHostedService<SampleAppService>();
}
builder.Services.AddSingleton(settings);
builder.Services.AddHostedService<CertificateWakeup>();

await using var app = builder.Build();
app.MapMeshApi();
app.WarnAboutSetup(settings);
var started = System.Diagnostics.Stopwatch.StartNew();
try
{
    await app.StartAsync();
}
catch (IOException e)
{
    Console.Error.WriteLine($"mesh-silo: cannot serve the API (--api-port): {e.Message}");
    return 1;
}
var apiUrl = app.BoundUrl();
if (settings.Embedded)
{
    new EmbeddedEndpoint(settings.GatewayPort, settings.SiloPort, settings.Region, Environment.ProcessId).WriteTo(settings.DataDirectory);
    EmbeddedApiFiles.WriteEndpoint(settings.DataDirectory, apiUrl);
}
var mode = settings.Embedded ? $"embedded data={settings.DataDirectory}" : "cluster redis";
// Tests and scripts wait for this line.
Console.WriteLine($"mesh-silo ready region={settings.Region} mode={mode} gateway={settings.AdvertisedAddress}:{settings.GatewayPort} api={apiUrl} started_ms={started.ElapsedMilliseconds}");
await app.WaitForShutdownAsync();
return 0;
