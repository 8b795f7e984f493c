namespace Mesh.Tests.Protocols;

/// <summary>Frames and unframes TLS handshake records (RFC 8446 §5.1) for re-fragmenting a captured ClientHello.</summary>
internal static class TlsRecords
{
    /// <summary>
    /// Puts <paramref name="handshake"/> into handshake records carrying <paramref name="fragments"/>
    /// bytes each in turn (the last size repeats; none means one record), with the 0x0301 record
    /// version clients use first.
    /// </summary>
    public static byte[] Frame(byte[] handshake, params int[] fragments)
    {
        fragments = fragments.Length == 0 ? [handshake.Length] : fragments;
        var records = new List<byte>();
        var offset = 0;
        for (var i = 0; offset < handshake.Length; i++)
        {
            var length = Math.Min(fragments[Math.Min(i, fragments.Length - 1)], handshake.Length - offset);
            records.AddRange([0x16, 0x03, 0x01, (byte)(length >> 8), (byte)length]);
            records.AddRange(handshake.AsSpan(offset, length).ToArray());
            offset += length;
        }

        return [.. records];
    }

    /// <summary>The handshake bytes carried by a run of records.</summary>
    public static byte[] Handshake(byte[] records)
    {
        var handshake = new List<byte>();
        for (var offset = 0; offset < records.Length;)
        {
            var length = (records[offset + 3] << 8) | records[offset + 4];
            handshake.AddRange(records.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        return [.. handshake];
    }
}
