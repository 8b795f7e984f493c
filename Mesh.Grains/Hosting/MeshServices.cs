using Mesh.Acme;
using Mesh.Certificates;
using Mesh.Domain.Certificates;
using Mesh.Domain.Egress;
using Mesh.Domain.Instances;
using Mesh.Domain.Ips;
using Mesh.Domain.Quotas;
using Mesh.Grains;
using Mesh.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Storage;

namespace Mesh.Hosting;

/// <summary>What every silo (real or test) needs besides storage and clustering.</summary>
public static class MeshServices
{
    /// <param name="dataKeys">The cluster data keys: grains seal the secrets they store (certificate keys) with them.</param>
    public static IServiceCollection AddMeshGrainServices(this IServiceCollection services, IConfiguration? configuration = null, DataKeyRing? dataKeys = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        if (dataKeys is not null)
        {
            services.TryAddSingleton(new SecretSealer(dataKeys));
        }
        // State is stored with the Orleans binary serializer, not the default Newtonsoft JSON:
        // it round-trips every [GenerateSerializer] type (JSON cannot rebuild immutable
        // collections) and stays version tolerant through the [Id] attributes.
        services.Replace(ServiceDescriptor.Singleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>());
        services.TryAddSingleton<UnreadableStates>();
        services.TryAddSingleton<StateProblemReporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIncomingGrainCallFilter, UnreadableStateCallFilter>());
        var options = services.AddOptions<IpPoolOptions>();
        var instances = services.AddOptions<InstanceAddressOptions>();
        var quotas = services.AddOptions<QuotaOptions>();
        var egress = services.AddOptions<RegionEgressOptions>();
        var lifecycle = services.AddOptions<CertificateLifecycleOptions>();
        if (configuration is not null)
        {
            lifecycle.Bind(configuration.GetSection(CertificateLifecycleOptions.Section));
            options.Bind(configuration.GetSection(IpPoolOptions.Section));
            instances.Bind(configuration.GetSection(InstanceAddressOptions.Section));
            quotas.Bind(configuration.GetSection(QuotaOptions.Section));
            egress.Bind(configuration.GetSection(RegionEgressOptions.Section));
        }
        services.TryAddSingleton<InstanceAddressRules>();
        services.TryAddSingleton(sp => EgressTable.From(sp.GetRequiredService<IOptions<RegionEgressOptions>>().Value));
        services.TryAddSingleton<OwnershipResolver>();
        services.TryAddSingleton<CertificateMetrics>();
        // The ACME issuer certificate grains use (a disabled one without Mesh:Acme:Directory);
        // its options (Mesh:Acme) also carry the ownership check's Resolver and AppDomain.
        services.AddMeshAcme(configuration);
        return services;
    }
}
