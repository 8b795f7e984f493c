using System.Buffers;

namespace Mesh.Tests.Protocols;

/// <summary>One segment of a hand-built multi-segment <see cref="ReadOnlySequence{T}"/>, as Pipelines hands them out.</summary>
internal sealed class ChunkSegment : ReadOnlySequenceSegment<byte>
{
    public ChunkSegment(ReadOnlyMemory<byte> memory) => Memory = memory;

    public ChunkSegment Append(ReadOnlyMemory<byte> memory)
    {
        var next = new ChunkSegment(memory) { RunningIndex = RunningIndex + Memory.Length };
        Next = next;
        return next;
    }
}
