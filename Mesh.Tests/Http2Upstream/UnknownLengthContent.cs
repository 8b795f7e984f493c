using System.Net;

namespace Mesh.Tests.Http2Upstream;

/// <summary>A request body whose length the client does not announce: over h2 it goes without Content-Length, in several DATA frames.</summary>
internal sealed class UnknownLengthContent(byte[] bytes, int pieces) : HttpContent
{
    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var size = (bytes.Length + pieces - 1) / pieces;
        for (var offset = 0; offset < bytes.Length; offset += size)
        {
            await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(size, bytes.Length - offset)));
            await stream.FlushAsync();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
