using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Domain;
using Mesh.Interfaces.Api;
using Mesh.Silo.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Api;

/// <summary>
/// The tenant API in the silo process: Kestrel on the advertised address (HTTPS when a
/// certificate is configured) in cluster mode, plain HTTP on 127.0.0.1 in embedded mode.
/// </summary>
public static class ApiHost
{
    public static void AddMeshApi(this WebApplicationBuilder builder, SiloSettings silo, ApiSettings api)
    {
        var credential = OperatorCredential.Load(silo, api);
        var (certificate, chain) = !silo.Embedded && api.Https ? LoadCertificate(api) : (null, null);
        var address = silo.Embedded ? IPAddress.Loopback : silo.AdvertisedAddress;

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(api);
        services.AddSingleton(credential);
        services.AddSingleton<Authenticator>();
        services.AddSingleton<ApiGrains>();
        services.AddSingleton<RefusalCounter>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<Mesh.Silo.Hosting.SiloMeterReader>();
        services.ConfigureHttpJsonOptions(o => ApiJsonSetup.Apply(o.SerializerOptions));
        // A body the binder cannot read becomes an exception, so it gets a problem like every other error.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Mesh tenant API";
            document.Info.Description = "docs/api.md: bearer tokens (operator, org, deploy); errors are application/problem+json.";
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>
            {
                ["bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme { Type = Microsoft.OpenApi.SecuritySchemeType.Http, Scheme = "bearer" },
            };
            document.Security = [new Microsoft.OpenApi.OpenApiSecurityRequirement { [new Microsoft.OpenApi.OpenApiSecuritySchemeReference("bearer", document, null)] = [] }];
            return Task.CompletedTask;
        }));

        if (api.Reservation is { } reservation)
        {
            services.Configure<Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets.SocketTransportOptions>(o => o.CreateBoundListenSocket = reservation.CreateBoundListenSocket);
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(address, api.Port, listen =>
        {
            if (certificate is null)
            {
                listen.Protocols = HttpProtocols.Http1;
                return;
            }
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(https =>
            {
                https.ServerCertificate = certificate;
                https.ServerCertificateChain = chain;
            });
        }));
    }

    public static void MapMeshApi(this WebApplication app)
    {
        app.UseMiddleware<ProblemMiddleware>();
        app.UseMiddleware<AuthenticationMiddleware>();
        app.MapGet("/healthz", () => "ok").ExcludeFromDescription();
        app.MapOpenApi(AuthenticationMiddleware.OpenApiPath);
        var v1 = app.MapGroup("/v1").WithMetadata(
            Problem(StatusCodes.Status400BadRequest), Problem(StatusCodes.Status401Unauthorized),
            Problem(StatusCodes.Status403Forbidden), Problem(StatusCodes.Status404NotFound));
        OrgEndpoints.Map(v1);
        AppEndpoints.Map(v1);
        IpEndpoints.Map(v1);
        CertificateEndpoints.Map(v1);
        InstanceEndpoints.Map(v1);
        RegionEndpoints.Map(v1);
        StatusEndpoints.Map(v1);
        // Created now, not at the first scrape, so that it counts from the start.
        _ = app.Services.GetRequiredService<Mesh.Silo.Hosting.SiloMeterReader>();
        MetricsEndpoints.Map(v1);
        TokenEndpoints.Map(v1);
        // An unknown path under /v1 (after authentication) is a problem too, not an empty 404.
        v1.MapFallback((HttpContext context) => Task.FromException(
            new MeshException("route_not_found", $"no such API path: {context.Request.Method} {context.Request.Path}")))
            .ExcludeFromDescription();
    }

    private static ProducesResponseTypeMetadata Problem(int status) => new(status, typeof(ApiProblem), [ApiProblem.ContentType]);

    /// <summary>The URL the API really listens on (the port is the kernel's choice when 0 was asked).</summary>
    public static string BoundUrl(this WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Says once, at start, what makes this API weaker than it should be.</summary>
    public static void WarnAboutSetup(this WebApplication app, SiloSettings silo)
    {
        var api = app.Services.GetRequiredService<ApiSettings>();
        if (silo.Embedded) return;
        if (!api.Https)
        {
            app.Logger.LogWarning("the tenant API serves plain HTTP: set Mesh:Api:CertificatePath and Mesh:Api:KeyPath (PEM) for HTTPS");
        }
        if (!app.Services.GetRequiredService<OperatorCredential>().Configured)
        {
            app.Logger.LogWarning("no operator token is accepted: set Mesh:Api:OperatorTokenHashFile to a file holding its SHA-256 hash");
        }
    }

    /// <summary>The leaf with its key, and the intermediates after it in the same PEM file (sent to clients with it).</summary>
    private static (X509Certificate2 Certificate, X509Certificate2Collection Chain) LoadCertificate(ApiSettings api)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(api.CertificatePath!, api.KeyPath);
            var chain = new X509Certificate2Collection();
            chain.ImportFromPemFile(api.CertificatePath!);
            chain.RemoveAt(0);
            // An ephemeral PEM key cannot back a TLS server on every platform; a PKCS#12 round trip makes it a stored one.
            return (X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null), chain);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new MeshException("config_invalid", $"Mesh:Api:CertificatePath/KeyPath: cannot load {api.CertificatePath} with {api.KeyPath}: {e.Message}");
        }
    }
}
