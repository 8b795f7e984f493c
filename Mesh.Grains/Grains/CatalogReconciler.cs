using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;
using Microsoft.Extensions.Logging;

namespace Mesh.Grains;

/// <summary>
/// Brings the app catalogue and the address pool back in line with the apps' own state, while
/// the route table rebuilds (every app's state is read then anyway). What can drift, and why:
/// an app's state deleted or lost behind the platform's back (its catalogue entry and its
/// addresses stay: removed and released here); an app that holds addresses but fell out of the
/// catalogue (added back if its state exists, else its addresses are released).
/// <para>
/// Why the moment is safe: it runs inside the route-table grain's activation, which accepts no
/// call until it is done, and every app change publishes to that grain before it returns. So no
/// create, deploy or destroy can complete meanwhile. A create can be half way, though: its
/// catalogue entry is written before the app's state, so an app the table read as missing is
/// asked again (<see cref="IAppGrain.Presence"/>, which interleaves) and left alone while it is
/// being created. An app created again after a failed create has a new creation time, so its
/// entry is left alone by <see cref="IAppCatalogGrain.RemoveIfUnchanged"/>. An app whose state
/// is unreadable is never touched: its state is there, only broken.
/// </para>
/// </summary>
internal sealed partial class CatalogReconciler(IGrainFactory grains, ILogger logger)
{
    private IAppCatalogGrain Catalog => grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global);
    private IIpPoolGrain Pool => grains.GetGrain<IIpPoolGrain>("default");

    /// <summary>Reconciles; returns the routes of apps it put back into the catalogue.</summary>
    public async Task<List<AppRouteWithInstances>> ReconcileAsync(IReadOnlyList<AppSummary> lost, IReadOnlySet<string> catalogued)
    {
        foreach (var app in lost)
        {
            // Read again: an app being created is catalogued before its state is written,
            // and one that was created since the table read it is not lost either.
            if (await grains.GetGrain<IAppGrain>(app.Name).Presence() != AppPresence.Absent) continue;
            var held = await Pool.Held(app.Name);
            if (!await Catalog.RemoveIfUnchanged(app)) continue;
            await Pool.ReleaseAll(app.Name);
            await grains.GetGrain<IStateProblemsGrain>(IStateProblemsGrain.Global).Resolve($"app/{app.Name}");
            LogLost(app.Name, held.Length == 0 ? "none" : string.Join(", ", held.Select(i => i.Address)));
        }

        var restored = new List<AppRouteWithInstances>();
        var holders = (await Pool.Ledger(null)).Where(e => e.ReleasedAt is null).Select(e => e.App).Distinct(StringComparer.Ordinal);
        foreach (var name in holders.Where(h => !catalogued.Contains(h)).ToList())
        {
            var app = grains.GetGrain<IAppGrain>(name);
            AppInfo? info;
            try
            {
                info = await app.GetInfo();
            }
            catch (MeshException e) when (e.Code == "state_unreadable")
            {
                continue;
            }
            if (info is null)
            {
                var held = await Pool.Held(name);
                await Pool.ReleaseAll(name);
                LogOrphanAddresses(name, string.Join(", ", held.Select(i => i.Address)));
                continue;
            }
            await Catalog.Add(new AppSummary(info.Name, info.Org, info.CreatedAt));
            if (await app.GetRoute() is { } route) restored.Add(route);
            LogRecatalogued(name);
        }
        return restored;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {App} was in the catalogue but its state is gone: removed it and released its addresses ({Addresses})")]
    private partial void LogLost(string app, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Addresses {Addresses} were held by app {App}, which no longer exists: released them")]
    private partial void LogOrphanAddresses(string app, string addresses);

    [LoggerMessage(Level = LogLevel.Warning, Message = "App {App} holds addresses but was missing from the catalogue: added it back")]
    private partial void LogRecatalogued(string app);
}
