using Mesh.Domain.Certificates;
using Mesh.Interfaces;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Silo.Hosting;

/// <summary>
/// Wakes every hostname's certificate grain when the silo has started and then every
/// <c>Mesh:Certificates:WakeInterval</c>. A grain sleeps on a grain timer, which dies with its
/// silo; this brings it back wherever Orleans places it, so DNS checks and renewals survive the
/// loss of a silo without a reminder table (the embedded mode has no storage that Orleans
/// reminders could use). Every silo does it: waking a grain twice is harmless.
/// </summary>
internal sealed class CertificateWakeup(
    IGrainFactory grains,
    IHostApplicationLifetime lifetime,
    IOptions<CertificateLifecycleOptions> options,
    ILogger<CertificateWakeup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        await started.Task.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(options.Value.WakeInterval);
        do
        {
            try
            {
                var hostnames = await grains.GetGrain<IAppCatalogGrain>(IAppCatalogGrain.Global).ListHostnames();
                await Task.WhenAll(hostnames.Select(h => grains.GetGrain<ICertificateGrain>(h).Wake()));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("certificate wake-up: {Error}", e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
