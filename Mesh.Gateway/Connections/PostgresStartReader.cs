using System.Buffers;
using System.IO.Pipelines;
using Mesh.Gateway.Protocols;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Reads until the first Postgres message can be classified, without consuming anything: the
/// caller advances past what it owns (or to the start, to leave it for the next stage).
/// </summary>
public static class PostgresStartReader
{
    public readonly record struct Peeked(PeekResult Result, PostgresStart Start, ReadOnlySequence<byte> Buffer);

    /// <exception cref="OperationCanceledException">The handshake timeout passed first.</exception>
    public static async Task<Peeked> PeekAsync(PipeReader input, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await input.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var result = PostgresPreamble.Detect(buffer, out var start);
            if (result != PeekResult.NeedMore || read.IsCompleted)
            {
                return new Peeked(result, start, buffer);
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
