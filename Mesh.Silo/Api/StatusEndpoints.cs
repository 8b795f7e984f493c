using Mesh.Interfaces;
using Mesh.Interfaces.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/status</c>: what the caller may know of the cluster.</summary>
internal static class StatusEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/status", async Task<Ok<ApiStatus>> (HttpContext context, ApiGrains grains, RefusalCounter refusals) =>
        {
            var caller = context.Caller();
            var members = await grains.Factory.GetGrain<IClusterInfoGrain>(0).Members();
            var regions = members.Where(m => m.Status == "Active").Select(m => m.Region).Distinct().Order(StringComparer.Ordinal).ToList();
            var snapshot = await grains.Factory.GetGrain<IRouteTableGrain>(IRouteTableGrain.Global).GetSnapshot();
            int apps, instances;
            if (caller.IsOperator)
            {
                apps = (await grains.Catalog.List(null)).Length;
                instances = snapshot.Instances.Length;
            }
            else
            {
                var visible = (await Task.WhenAll((await grains.Catalog.List(caller.Org)).Select(a => grains.App(a.Name).InfoForListAsync())))
                    .OfType<Mesh.Interfaces.Model.AppInfo>()
                    .Where(a => Scopes.CanSee(caller, a))
                    .ToList();
                apps = visible.Count;
                instances = visible.Sum(a => a.InstanceCount);
            }
            var pool = caller.IsOperator ? await grains.Factory.GetGrain<IIpPoolGrain>("default").Usage() : null;
            // Grain names and reasons: the operator's only, like the members and the pool.
            var problems = caller.IsOperator
                ? (await grains.Factory.GetGrain<IStateProblemsGrain>(IStateProblemsGrain.Global).List()).Select(p => $"{p.Grain}: {p.Problem}").ToList()
                : [];
            return TypedResults.Ok(new ApiStatus(
                caller.IsOperator ? members : [],
                regions,
                apps,
                instances,
                snapshot.Version,
                pool,
                problems,
                // The operator's only: a counter that moves when another org's app is named would tell that it exists.
                caller.IsOperator ? refusals.Count : 0));
        });
    }
}
