namespace Mesh.Gateway.Http1;

/// <summary>The IMF-fixdate for Date headers (RFC 9110 §5.6.7), formatted once per second, not per response.</summary>
public static class HttpDate
{
    private static string _text = "";
    private static long _second = -1;

    public static string Now
    {
        get
        {
            var now = DateTimeOffset.UtcNow;
            var second = now.ToUnixTimeSeconds();
            if (second != Volatile.Read(ref _second))
            {
                Volatile.Write(ref _text, now.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
                Volatile.Write(ref _second, second);
            }
            return Volatile.Read(ref _text);
        }
    }
}
