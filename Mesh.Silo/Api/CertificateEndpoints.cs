using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Silo.Api;

/// <summary><c>/v1/apps/{app}/certs</c>: what a certificate is, never its key.</summary>
internal static class CertificateEndpoints
{
    public static void Map(IEndpointRouteBuilder v1)
    {
        v1.MapGet("/apps/{app}/certs", async Task<Ok<Page<CertificateInfo>>> (string app, HttpContext context, ApiGrains grains) =>
        {
            await grains.AppAsync(context, app, ApiAction.ReadCertificates);
            var certificates = await grains.App(app).ListCertificates();
            return TypedResults.Ok(Paging.Take(certificates, c => c.Hostname, PageRequest.From(context.Request)));
        });

        v1.MapPost("/apps/{app}/certs", async Task<Created<CertificateInfo>> (string app, AddCertificateRequest? body, HttpContext context, ApiGrains grains) =>
        {
            var request = RequestBody.Present(body);
            var hostname = RequestBody.Required(request.Hostname, "hostname");
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.AddCertificate);
            var certificate = await grains.App(app).AddCertificate(hostname, request.CertificatePem, request.KeyPem);
            return TypedResults.Created($"/v1/apps/{app}/certs/{certificate.Hostname}", certificate);
        }).Audited("cert.add");

        v1.MapDelete("/apps/{app}/certs/{hostname}", async Task<NoContent> (string app, string hostname, HttpContext context, ApiGrains grains) =>
        {
            context.SetAuditTarget($"{app}/{hostname}");
            await grains.AppAsync(context, app, ApiAction.RemoveCertificate);
            await grains.App(app).RemoveCertificate(hostname);
            return TypedResults.NoContent();
        }).Audited("cert.remove");
    }
}
