using Mesh.Interfaces.Api;

namespace Mesh.Silo.Api;

/// <summary>Cuts a list into pages in the ordinal order of a key (a name or an id), so every walk sees the same order.</summary>
internal static class Paging
{
    public static Page<T> Take<T>(IEnumerable<T> items, Func<T, string> key, PageRequest request)
    {
        var page = items
            .Select(item => (Key: key(item), Item: item))
            .Where(e => request.After is null || string.CompareOrdinal(e.Key, request.After) > 0)
            .OrderBy(e => e.Key, StringComparer.Ordinal)
            .Take(request.Limit + 1)
            .ToList();
        var more = page.Count > request.Limit;
        if (more) page.RemoveAt(page.Count - 1);
        return new Page<T>([.. page.Select(e => e.Item)], more ? PageRequest.EncodeCursor(page[^1].Key) : null);
    }

    /// <summary>Pages a list whose items are costly to fetch: only the page's keys are turned into items.</summary>
    public static async Task<Page<TItem>> TakeAsync<TKey, TItem>(IEnumerable<TKey> keys, Func<TKey, string> key, PageRequest request, Func<TKey, Task<TItem?>> fetch)
        where TItem : class
    {
        var page = Take(keys, key, request);
        var items = await Task.WhenAll(page.Items.Select(fetch));
        return new Page<TItem>([.. items.OfType<TItem>()], page.NextCursor);
    }
}
