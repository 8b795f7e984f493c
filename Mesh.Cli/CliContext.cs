using Mesh.Cli.Output;

namespace Mesh.Cli;

/// <summary>What a command body gets: the cluster client, the printer and the cancellation token.</summary>
internal sealed record CliContext(IClusterClient Client, Printer Out, CancellationToken Cancellation)
{
    public IGrainFactory Grains => Client;
}
