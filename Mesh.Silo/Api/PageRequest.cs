using System.Text;
using Mesh.Domain;
using Microsoft.AspNetCore.Http;

namespace Mesh.Silo.Api;

/// <summary><c>?limit=N&amp;cursor=C</c> of a list request (docs/api.md, Encoding).</summary>
internal sealed record PageRequest(int Limit, string? After)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static PageRequest From(HttpRequest request)
    {
        var limit = DefaultLimit;
        var limitText = request.Query["limit"].ToString();
        if (limitText.Length > 0 && !(int.TryParse(limitText, out limit) && limit is >= 1 and <= MaxLimit))
        {
            throw new MeshException("invalid_limit", $"limit: '{limitText}' is not a number from 1 to {MaxLimit}");
        }
        var cursor = request.Query["cursor"].ToString();
        return new PageRequest(limit, cursor.Length > 0 ? DecodeCursor(cursor) : null);
    }

    /// <summary>A cursor is the sort key of the last item of a page, so a page never repeats or skips an item that stays.</summary>
    public static string EncodeCursor(string key) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(key)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string DecodeCursor(string cursor)
    {
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=')));
        }
        catch (FormatException)
        {
            throw new MeshException("invalid_cursor", $"cursor: '{cursor}' is not a cursor this API gave out");
        }
    }
}
