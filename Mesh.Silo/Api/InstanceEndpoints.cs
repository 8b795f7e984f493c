using System.Collections.Immutable;
using Mesh.Interfaces;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/apps/{app}/instances</c> and <c>/v1/instances/{id}</c> (checked through the instance's app).</summary>
internal static class InstanceEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/apps/{app}/instances", async Task<Ok<Page<InstanceInfo>>> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ListInstances);
            var instances = await grains.App(app).ListInstances();
            return TypedResults.Ok(Paging.Take(instances, i => i.Region + "|" + i.Id, PageRequest.From(context.Request)));
        });

        v1.MapPost("/apps/{app}/instances", async Task<Created<InstanceInfo>> (string app, InstanceRegistration? body, HttpContext context, ApiGrains grains) =>
        {
            var request = RequestBody.Present(body);
            var registration = request with
            {
                Region = RequestBody.Required(request.Region, "region"),
                Address = RequestBody.Required(request.Address, "address"),
                Metadata = request.Metadata ?? ImmutableDictionary<string, string>.Empty,
            };
            await grains.AppAsync(context, app, ApiAction.AddInstance);
            var instance = await grains.App(app).AddInstance(registration);
            context.SetAuditTarget(instance.Id);
            return TypedResults.Created($"/v1/instances/{instance.Id}", instance);
        }).Audited("instance.add");

        v1.MapGet("/instances/{id}", async Task<Ok<InstanceInfo>> (string id, HttpContext context, ApiGrains grains) =>
            TypedResults.Ok(await grains.InstanceAsync(context, id, ApiAction.ReadInstance)));

        v1.MapPost("/instances/{id}/stop", async Task<Ok<InstanceInfo>> (string id, HttpContext context, ApiGrains grains) =>
        {
            await grains.InstanceAsync(context, id, ApiAction.ChangeInstance);
            return TypedResults.Ok(await grains.Factory.GetGrain<IInstanceGrain>(id).Stop());
        }).Audited("instance.stop");

        v1.MapPost("/instances/{id}/start", async Task<Ok<InstanceInfo>> (string id, HttpContext context, ApiGrains grains) =>
        {
            await grains.InstanceAsync(context, id, ApiAction.ChangeInstance);
            return TypedResults.Ok(await grains.Factory.GetGrain<IInstanceGrain>(id).Start());
        }).Audited("instance.start");

        v1.MapDelete("/instances/{id}", async Task<NoContent> (string id, HttpContext context, ApiGrains grains) =>
        {
            await grains.InstanceAsync(context, id, ApiAction.ChangeInstance);
            await grains.Factory.GetGrain<IInstanceGrain>(id).Remove();
            return TypedResults.NoContent();
        }).Audited("instance.remove");
    }
}
