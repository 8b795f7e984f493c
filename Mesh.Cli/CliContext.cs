using Mesh.Cli.Api;
using Mesh.Cli.Output;

namespace Mesh.Cli;

/// <summary>What a command body gets: the tenant API, the printer and the cancellation token (Ctrl-C).</summary>
internal sealed record CliContext(ApiClient Api, Printer Out, CancellationToken Cancellation);
