using System.Buffers;
using Xunit.Sdk;

namespace Mesh.Tests.Protocols;

/// <summary>
/// Replays a byte vector the ways a socket can deliver it: whole, split in two at every point,
/// one byte per segment, and one byte per segment with empty segments in between.
/// </summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> FromChunks(params byte[][] chunks)
    {
        if (chunks.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new ChunkSegment(chunks[0]);
        var last = first;
        foreach (var chunk in chunks.Skip(1))
        {
            last = last.Append(chunk);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Every delivery shape of <paramref name="data"/>, each with a name for failure messages.</summary>
    public static IEnumerable<(string Shape, ReadOnlySequence<byte> Sequence)> Shapes(byte[] data)
    {
        yield return ("whole", new ReadOnlySequence<byte>(data));
        for (var split = 0; split <= data.Length; split++)
        {
            yield return ($"split at {split}", FromChunks(data[..split], data[split..]));
        }

        yield return ("one byte per segment", FromChunks(data.Select(b => new[] { b }).ToArray()));
        yield return ("one byte per segment between empty segments", FromChunks([[], .. data.SelectMany(b => new[] { new[] { b }, [] })]));
    }

    /// <summary>Runs <paramref name="check"/> on every shape, naming the shape when it fails.</summary>
    public static void Replay(byte[] data, Action<ReadOnlySequence<byte>> check)
    {
        foreach (var (shape, sequence) in Shapes(data))
        {
            try
            {
                check(sequence);
            }
            catch (XunitException e)
            {
                throw new XunitException($"Delivered {shape} ({data.Length} bytes): {e.Message}", e);
            }
        }
    }

    /// <summary>Every strict prefix of <paramref name="data"/>, delivered whole.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> Prefixes(byte[] data) =>
        Enumerable.Range(0, data.Length).Select(length => new ReadOnlySequence<byte>(data, 0, length));
}
