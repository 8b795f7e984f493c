using Mesh.Cli.Api;
using Mesh.Domain;

namespace Mesh.Cli;

/// <summary>
/// The one line a failed command prints: a platform refusal as its message, a lost connection
/// naming what it talked to, anything unexpected as its type and first line. Never a stack trace.
/// </summary>
internal static class CliFailure
{
    public static string Describe(Exception e) => e switch
    {
        MeshException m => $"Error: {OneLine.Of(m.Message)}",
        HttpRequestException h => $"Error: the mesh API did not answer: {FirstLine(h)}",
        TimeoutException or OrleansException => $"Error: the mesh did not answer: {FirstLine(e)}",
        IOException => $"Error: {FirstLine(e)}",
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerExceptions[0]),
        _ => $"Error: {e.GetType().Name}: {FirstLine(e)}",
    };

    private static string FirstLine(Exception e) => e.Message.Split('\n', 2)[0].Trim();
}
