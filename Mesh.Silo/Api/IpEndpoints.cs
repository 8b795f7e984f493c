using System.Globalization;
using Mesh.Domain;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/apps/{app}/ips</c>: a deploy token may list them; allocating and releasing is the org's.</summary>
internal static class IpEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/apps/{app}/ips", async Task<Ok<Page<IpAssignment>>> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ListIps);
            var ips = await grains.App(app).ListIps();
            // Allocation order (what `mesh ips list` always showed), with the address to break ties.
            return TypedResults.Ok(Paging.Take(ips, i => i.AllocatedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) + "|" + i.Address, PageRequest.From(context.Request)));
        });

        v1.MapPost("/apps/{app}/ips", async Task<Created<IpAssignment>> (string app, AllocateIpRequest? body, HttpContext context, ApiGrains grains) =>
        {
            var request = RequestBody.Present(body);
            var info = await grains.AppAsync(context, app, ApiAction.AllocateIp);
            IpAssignment ip;
            if (request.Kind == IpKind.PrivateV6)
            {
                // Another org's network: the caller must be able to act in that org too (an org
                // token only in its own, which for it is the app's), and the org must exist.
                var network = grains.OrgFor(context, request.Org, ApiAction.AllocateIp, info.Org)!;
                if (network != info.Org && await grains.Orgs.Get(network) is null) throw ApiGrains.OrgNotFound(network);
                ip = await grains.App(app).AllocatePrivateIp(network);
            }
            else
            {
                if (request.Org is not null) throw new MeshException("invalid_request", "org applies only to kind private_v6 (the private network the address is in)");
                ip = await grains.App(app).AllocateIp(request.Kind);
            }
            return TypedResults.Created($"/v1/apps/{app}/ips/{ip.Address}", ip);
        }).Audited("ip.allocate");

        v1.MapDelete("/apps/{app}/ips/{address}", async Task<NoContent> (string app, string address, HttpContext context, ApiGrains grains) =>
        {
            context.SetAuditTarget($"{app}/{address}");
            await grains.AppAsync(context, app, ApiAction.ReleaseIp);
            await grains.App(app).ReleaseIp(address);
            return TypedResults.NoContent();
        }).Audited("ip.release");
    }
}
