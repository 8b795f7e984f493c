using System.Collections.Concurrent;
using System.Text;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The response header names apps send, as strings made once: an app answers with the same dozen
/// names on every response, and Kestrel's header dictionary takes strings. Bounded, so an app
/// inventing names cannot grow it; names past the bound are made per use.
/// </summary>
public static class HeaderNameCache
{
    private const int MaxEntries = 1024;
    private const int MaxNameLength = 128;
    private static readonly ConcurrentDictionary<string, string> Names = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Names.GetAlternateLookup<ReadOnlySpan<char>>();

    public static string Get(ReadOnlySpan<byte> name)
    {
        if (name.Length > MaxNameLength) return Encoding.Latin1.GetString(name);
        Span<char> chars = stackalloc char[name.Length];
        Encoding.Latin1.GetChars(name, chars);
        if (Lookup.TryGetValue(chars, out var known)) return known;
        var made = new string(chars);
        if (Names.Count < MaxEntries) Names.TryAdd(made, made);
        return made;
    }
}
