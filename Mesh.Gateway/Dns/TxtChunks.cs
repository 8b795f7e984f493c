namespace Mesh.Gateway.Dns;

/// <summary>
/// Splits a TXT string into character-strings of at most 255 bytes (RFC 1035 §3.3.14); clients
/// join the parts of one record. ARSoft silently cuts a longer part at 255 bytes instead.
/// </summary>
public static class TxtChunks
{
    public const int MaxLength = 255;

    /// <summary>The parts of <paramref name="text"/>; the zone's strings are ASCII, so characters are bytes.</summary>
    public static IEnumerable<string> Split(string text)
    {
        if (text.Length <= MaxLength)
        {
            yield return text;
            yield break;
        }
        for (var start = 0; start < text.Length; start += MaxLength)
        {
            yield return text.Substring(start, Math.Min(MaxLength, text.Length - start));
        }
    }
}
