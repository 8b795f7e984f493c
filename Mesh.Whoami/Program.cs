// mesh-whoami: a stand-in for an outside "what is my IP" service, for the deploy/mesh-regions
// internet namespace and the tests: HTTP answers every request with the caller's address, DNS
// answers TXT whoami.ZONE with the asker's. It sees what the Internet sees: an instance's
// traffic after its region's egress translation.
using System.Net.Sockets;
using Mesh.Whoami;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

WhoamiOptions options;
try
{
    options = WhoamiOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine($"mesh-whoami: {e.Message}");
    return 1;
}

var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k =>
{
    foreach (var endpoint in options.Http) k.Listen(endpoint);
});
await using var app = builder.Build();
app.Run(context =>
{
    context.Response.ContentType = "text/plain";
    return context.Response.WriteAsync(CallerAddress.Of(context.Connection.RemoteIpAddress!) + "\n");
});

using var dns = new WhoamiDnsServer(options.Dns, new WhoamiResponder(options.Zone));
try
{
    await app.StartAsync();
    dns.Start();
}
catch (Exception e) when (e is IOException or SocketException)
{
    Console.Error.WriteLine($"mesh-whoami: cannot listen: {e.Message}");
    return 1;
}
// Scripts and tests wait for this line.
Console.WriteLine($"mesh-whoami ready http={string.Join(',', options.Http)} dns={string.Join(',', options.Dns)} name=whoami.{options.Zone}");
await app.WaitForShutdownAsync();
return 0;
