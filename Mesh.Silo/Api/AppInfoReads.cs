using Mesh.Domain;
using Mesh.Interfaces;
using Mesh.Interfaces.Model;

namespace Mesh.Silo.Api;

internal static class AppInfoReads
{
    /// <summary>
    /// The app's info for a list; null (left out) when its state cannot be read, so one broken
    /// app does not fail every listing. It is named in <c>/v1/status</c>'s <c>state_problems</c>,
    /// and a call that names it gets the one-line <c>state_unreadable</c> error.
    /// </summary>
    public static async Task<AppInfo?> InfoForListAsync(this IAppGrain app)
    {
        try
        {
            return await app.GetInfo();
        }
        catch (MeshException e) when (e.Code == "state_unreadable")
        {
            return null;
        }
    }
}
