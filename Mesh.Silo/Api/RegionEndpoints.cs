using Mesh.Domain.Regions;
using Mesh.Interfaces;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/regions</c>: the catalogue with RTTs, for any token.</summary>
internal static class RegionEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/regions", async Task<Ok<Page<RegionInfo>>> (HttpContext context, ApiGrains grains) =>
            TypedResults.Ok(await Paging.TakeAsync(RegionCatalog.All, r => r.Code, PageRequest.From(context.Request),
                async r => (RegionInfo?)await grains.Factory.GetGrain<IRegionGrain>(r.Code).GetInfo())));
    }
}
