using Mesh.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;

namespace Mesh.Silo.Storage;

public static class StateReportingExtensions
{
    /// <summary>
    /// Wraps the grain storage registered under <paramref name="name"/> (whichever provider it is)
    /// in <see cref="ReportingGrainStorage"/>. Call it after the storage is added.
    /// </summary>
    public static IServiceCollection ReportUnreadableState(this IServiceCollection services, string name)
    {
        var descriptor = services.LastOrDefault(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService && Equals(d.ServiceKey, name))
            ?? throw new InvalidOperationException($"no grain storage named '{name}' is registered");
        Func<IServiceProvider, object?, object> create = descriptor switch
        {
            { KeyedImplementationFactory: { } factory } => factory,
            { KeyedImplementationInstance: { } instance } => (_, _) => instance,
            { KeyedImplementationType: { } type } => (sp, _) => ActivatorUtilities.CreateInstance(sp, type),
            _ => throw new InvalidOperationException($"grain storage '{name}' has no implementation"),
        };
        services[services.IndexOf(descriptor)] = ServiceDescriptor.KeyedSingleton<IGrainStorage>(name, (sp, key) =>
            new ReportingGrainStorage((IGrainStorage)create(sp, key), sp.GetRequiredService<StateProblemReporter>()));
        // The Redis provider logs every failed read with its stack trace before throwing; the
        // wrapper reports a broken state once and rethrows every other failure to the grain,
        // whose caller and Orleans log it.
        services.AddLogging(b => b.AddFilter("Orleans.Persistence.RedisGrainStorage", LogLevel.None));
        return services;
    }
}
