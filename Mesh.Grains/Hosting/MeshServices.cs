using Mesh.Domain.Ips;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Storage;

namespace Mesh.Hosting;

/// <summary>What every silo (real or test) needs besides storage and clustering.</summary>
public static class MeshServices
{
    public static IServiceCollection AddMeshGrainServices(this IServiceCollection services, IConfiguration? configuration = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        // State is stored with the Orleans binary serializer, not the default Newtonsoft JSON:
        // it round-trips every [GenerateSerializer] type (JSON cannot rebuild immutable
        // collections) and stays version tolerant through the [Id] attributes.
        services.Replace(ServiceDescriptor.Singleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>());
        services.TryAddSingleton<UnreadableStates>();
        services.TryAddSingleton<StateProblemReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncomingGrainCallFilter, UnreadableStateCallFilter>());
        var options = services.AddOptions<IpPoolOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(IpPoolOptions.Section));
        }
        return services;
    }
}
