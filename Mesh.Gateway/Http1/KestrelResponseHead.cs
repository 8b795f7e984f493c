using System.Text;
using Mesh.Gateway.Http;
using Mesh.Interfaces.Config;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Mesh.Gateway.Http1;

/// <summary>
/// The app's response head (as <see cref="ResponseHeadParser"/> found it) put on a Kestrel
/// response: the status, the fields minus the hop ones and those the app's Connection names
/// (the parser marks them dropped), the length, then the rules <see cref="PlatformTransformer"/>
/// applies — Via with <c>, 2 mesh</c> appended, Fly-Request-Id and Server unless <c>pristine</c>,
/// then the port's <c>http_options.response.headers</c> rules.
/// </summary>
public static class KestrelResponseHead
{
    public static void Apply(HttpResponse response, ResponseHead r, ReadOnlySpan<byte> data, HttpOptions? options, string requestId, string protocol)
    {
        response.StatusCode = r.Status;
        var headers = response.Headers;
        var pristine = options?.Pristine == true;
        string? appVia = null;
        for (var i = 0; i < r.Count; i++)
        {
            ref readonly var f = ref r[i];
            if (f.Dropped) continue;
            if (!pristine)
            {
                if (f.Kind == HeaderKind.Via)
                {
                    if (f.ValueLength > 0)
                    {
                        var value = Encoding.Latin1.GetString(data.Slice(f.ValueStart, f.ValueLength));
                        appVia = appVia is null ? value : appVia + ", " + value;
                    }
                    continue;
                }
                // Replaced below.
                if (f.Kind is HeaderKind.Server or HeaderKind.RequestId) continue;
            }
            var name = HeaderNameCache.Get(data.Slice(f.NameStart, f.NameLength));
            var text = Encoding.Latin1.GetString(data.Slice(f.ValueStart, f.ValueLength));
            if (headers.TryGetValue(name, out var existing)) headers[name] = StringValues.Concat(existing, text);
            else headers[name] = text;
        }
        // Kestrel frames the body for its client; a 204 has none to announce.
        if (r.ContentLength >= 0 && r.Status != 204) response.ContentLength = r.ContentLength;
        if (!pristine)
        {
            var hop = PlatformTransformer.Hop(protocol);
            headers[PlatformHeaders.Via] = appVia is null ? hop : appVia + ", " + hop;
            headers[PlatformHeaders.RequestId] = requestId;
            headers.Server = PlatformTransformer.ServerHeader;
        }
        if (options is not null && !options.ResponseHeaders.IsDefaultOrEmpty)
        {
            foreach (var rule in options.ResponseHeaders)
            {
                if (rule.Remove) headers.Remove(rule.Name);
                else headers.Append(rule.Name, rule.Values.ToArray());
            }
        }
    }
}
