using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Mesh.Acme;

/// <summary>Registers <see cref="AcmeOptions"/> and the <see cref="IAcmeIssuer"/> grains take by constructor injection.</summary>
public static class AcmeServices
{
    /// <summary>Reads Mesh:Acme (a bad value throws <c>config_invalid</c> naming the key); no directory registers a disabled issuer.</summary>
    public static IServiceCollection AddMeshAcme(this IServiceCollection services, IConfiguration? configuration)
    {
        var options = configuration is null ? new AcmeOptions() : AcmeOptions.From(configuration);
        return services.AddMeshAcme(options);
    }

    public static IServiceCollection AddMeshAcme(this IServiceCollection services, AcmeOptions options)
    {
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<IAcmeIssuer>(sp => options.Enabled
            ? new AcmeIssuer(options, sp.GetRequiredService<IGrainFactory>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<AcmeIssuer>>())
            : new DisabledAcmeIssuer());
        return services;
    }
}
