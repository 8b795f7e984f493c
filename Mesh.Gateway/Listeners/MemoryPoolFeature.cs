using System.Buffers;
using Microsoft.AspNetCore.Connections.Features;

namespace Mesh.Gateway.Listeners;

/// <summary>The memory pool a connection's protocol layers take their buffers from (Kestrel's HTTP/2 reads it).</summary>
internal sealed class MemoryPoolFeature(MemoryPool<byte> pool) : IMemoryPoolFeature
{
    public MemoryPool<byte> MemoryPool { get; } = pool;
}
