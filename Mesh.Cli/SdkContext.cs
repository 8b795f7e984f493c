using Mesh.Cli.Output;

namespace Mesh.Cli;

/// <summary>What an operator command on the grain SDK (<c>mesh ping</c>) gets: the cluster client, the printer and the cancellation token.</summary>
internal sealed record SdkContext(IClusterClient Client, Printer Out, CancellationToken Cancellation)
{
    public IGrainFactory Grains => Client;
}
