using Microsoft.Extensions.Hosting;

namespace Mesh.Silo.Sample;

internal sealed class SampleAppService : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.CompletedTask;
}
