using Mesh.Domain.Ips;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Hosting;

/// <summary>What every silo (real or test) needs besides storage and clustering.</summary>
public static class MeshServices
{
    public static IServiceCollection AddMeshGrainServices(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        var options = services.AddOptions<IpPoolOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(IpPoolOptions.Section));
        }
        return services;
    }
}
