namespace Mesh.Gateway.Http1;

/// <summary>
/// The trailer fields at the end of a chunked body that <see cref="ChunkedFraming"/> has already
/// validated, read from its tail: the framing bytes after the last chunk's data (the CRLF that
/// ends it, the zero-size line, the trailer lines, the empty line). Pure.
/// </summary>
public static class ChunkedTrailers
{
    /// <summary>The position of the first trailer line in <paramref name="tail"/>.</summary>
    public static int Start(ReadOnlySpan<byte> tail)
    {
        var p = tail.StartsWith("\r\n"u8) ? 2 : 0;
        var end = tail[p..].IndexOf("\r\n"u8);
        return end < 0 ? tail.Length : p + end + 2;
    }

    /// <summary>The next trailer field from <paramref name="position"/> (name and trimmed value as ranges of <paramref name="tail"/>); false at the empty line.</summary>
    public static bool Next(ReadOnlySpan<byte> tail, ref int position, out Range name, out Range value)
    {
        name = value = default;
        while (position < tail.Length)
        {
            var rest = tail[position..];
            var end = rest.IndexOf("\r\n"u8);
            if (end <= 0) return false;
            var line = rest[..end];
            var start = position;
            position += end + 2;
            var colon = line.IndexOf((byte)':');
            if (colon <= 0) continue;
            var v = line[(colon + 1)..];
            var leading = v.Length - v.TrimStart(" \t"u8).Length;
            var trimmed = v.Trim(" \t"u8);
            name = new Range(start, start + colon);
            value = new Range(start + colon + 1 + leading, start + colon + 1 + leading + trimmed.Length);
            return true;
        }
        return false;
    }
}
