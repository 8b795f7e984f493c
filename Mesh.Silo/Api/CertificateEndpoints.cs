using Mesh.Interfaces;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/apps/{app}/certs</c>: what a certificate is and where its lifecycle stands, never its key.</summary>
internal static class CertificateEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/apps/{app}/certs", async Task<Ok<Page<CertificateInfo>>> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ReadCertificates);
            var certificates = await grains.App(app).ListCertificates();
            var lifecycles = await Task.WhenAll(certificates.Select(c => Certificate(grains, c.Hostname).GetLifecycle()));
            var withStatus = certificates.Zip(lifecycles, (c, l) => c with { Status = l?.Status }).ToList();
            return TypedResults.Ok(Paging.Take(withStatus, c => c.Hostname, PageRequest.From(context.Request)));
        });

        v1.MapPost("/apps/{app}/certs", async Task<Created<CertificateDetails>> (string app, AddCertificateRequest? body, HttpContext context, ApiGrains grains) =>
        {
            var request = RequestBody.Present(body);
            var hostname = RequestBody.Required(request.Hostname, "hostname");
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.AddCertificate);
            if (request.SkipOwnershipCheck && !context.Caller().IsOperator)
            {
                throw ApiRefusal.Forbidden(context.Caller(), "skip_ownership_check is the operator's override; show ownership through DNS instead (certs add prints the records)");
            }
            var certificate = request.SkipOwnershipCheck
                ? await grains.App(app).AddCertificateSkippingOwnershipCheck(hostname, request.CertificatePem, request.KeyPem)
                : await grains.App(app).AddCertificate(hostname, request.CertificatePem, request.KeyPem);
            var details = await Certificate(grains, certificate.Hostname).Show(app, lookUp: false);
            return TypedResults.Created($"/v1/apps/{app}/certs/{certificate.Hostname}", details);
        }).Audited("cert.add");

        v1.MapGet("/apps/{app}/certs/{hostname}", async Task<Ok<CertificateDetails>> (string app, string hostname, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ReadCertificates);
            return TypedResults.Ok(await Certificate(grains, hostname).Show(app, lookUp: true));
        });

        v1.MapPost("/apps/{app}/certs/{hostname}/check", async Task<Ok<CertificateDetails>> (string app, string hostname, HttpContext context, ApiGrains grains) =>
        {
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.AddCertificate);
            return TypedResults.Ok(await Certificate(grains, hostname).Check(app));
        }).Audited("cert.check");

        v1.MapPost("/apps/{app}/certs/{hostname}/renew", async Task<Ok<CertificateDetails>> (string app, string hostname, HttpContext context, ApiGrains grains) =>
        {
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.AddCertificate);
            return TypedResults.Ok(await Certificate(grains, hostname).Renew(app));
        }).Audited("cert.renew");

        v1.MapDelete("/apps/{app}/certs/{hostname}", async Task<NoContent> (string app, string hostname, HttpContext context, ApiGrains grains) =>
        {
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.RemoveCertificate);
            await grains.App(app).RemoveCertificate(hostname);
            return TypedResults.NoContent();
        }).Audited("cert.remove");
    }

    private static ICertificateGrain Certificate(ApiGrains grains, string hostname) =>
        grains.Factory.GetGrain<ICertificateGrain>(hostname.Trim().TrimEnd('.').ToLowerInvariant());
}
