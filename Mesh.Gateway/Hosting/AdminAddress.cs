using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Mesh.Gateway.Hosting;

/// <summary>The admin endpoint's bound address, known once Kestrel has bound it (the host may still be starting other services).</summary>
internal static class AdminAddress
{
    public static async Task<string> WhenBoundAsync(IServer server, Task hostStarting)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()!.Addresses;
        while (true)
        {
            // Kestrel fills the collection as it binds; the pipeline endpoints are ours, not sockets.
            string[] bound;
            try
            {
                bound = addresses.ToArray();
            }
            catch (InvalidOperationException)
            {
                // Changed while we read it: Kestrel is binding right now.
                bound = [];
            }
            var admin = bound.FirstOrDefault(a => !a.Contains("pipeline-", StringComparison.Ordinal));
            if (admin is not null) return admin;
            if (hostStarting.IsFaulted) await hostStarting;
            if (hostStarting.IsCompleted) throw new InvalidOperationException("the admin endpoint did not bind");
            await Task.WhenAny(hostStarting, Task.Delay(TimeSpan.FromMilliseconds(20)));
        }
    }
}
