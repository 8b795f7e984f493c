namespace Mesh.Gateway.Http1;

/// <summary>
/// An upstream response head as <see cref="ResponseHeadParser"/> found it: offsets into the bytes
/// it parsed (which the caller keeps in place until the head is written on), the status, and the
/// framing and hop fields the proxy acts on. Reused per connection.
/// </summary>
public sealed class ResponseHead
{
    public const int MaxFields = 256;

    public struct Field
    {
        public int NameStart;
        public int NameLength;
        public int ValueStart;
        public int ValueLength;
        public HeaderKind Kind;
        public bool Dropped;
    }

    internal Field[] Fields = new Field[32];
    internal Range[] ConnectionNames = new Range[4];

    public int Count { get; internal set; }

    public int Status { get; internal set; }

    /// <summary>The minor version: 0 for an HTTP/1.0 answer (its connection is never reused).</summary>
    public int Minor { get; internal set; }

    /// <summary>The status line's reason phrase (offsets), written on as it came.</summary>
    public Range Reason { get; internal set; }

    /// <summary>The body length, or -1 when the head has no Content-Length.</summary>
    public long ContentLength { get; internal set; }

    public bool Chunked { get; internal set; }

    public bool ConnectionClose { get; internal set; }

    public bool KeepAlive { get; internal set; }

    public int ConnectionNameCount { get; internal set; }

    /// <summary>The index of the <c>fly-replay</c> field, or -1.</summary>
    public int ReplayIndex { get; internal set; }

    /// <summary>The head's length in bytes, through its empty line.</summary>
    public int Length { get; internal set; }

    public ref readonly Field this[int index] => ref Fields[index];

    /// <summary>Whether the connection may carry another request after this answer's body is read in full.</summary>
    public bool Reusable => Minor == 1 && !ConnectionClose && (Chunked || ContentLength >= 0);

    internal void Reset()
    {
        Count = 0;
        Status = 0;
        Minor = 0;
        Reason = default;
        ContentLength = -1;
        Chunked = ConnectionClose = KeepAlive = false;
        ConnectionNameCount = 0;
        ReplayIndex = -1;
        Length = 0;
    }
}
