using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Silo.Api;

/// <summary>
/// Counts this silo's refusals (401, 403, 404 by scope) and logs them by token id, at most once
/// a minute per token, so a client retrying in a loop cannot flood the log.
/// </summary>
internal sealed class RefusalCounter(TimeProvider time, ILoggerFactory loggers)
{
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);
    private const int MaxTracked = 10_000;

    private readonly ILogger _logger = loggers.CreateLogger("Mesh.Api");
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastLogged = new(StringComparer.Ordinal);
    private long _count;

    public long Count => Interlocked.Read(ref _count);

    public void Record(ApiRefusal refusal, string method, string path)
    {
        Interlocked.Increment(ref _count);
        var now = time.GetUtcNow();
        if (_lastLogged.Count > MaxTracked)
        {
            // Token ids come from the request: a flood of made-up ones must not grow this forever.
            _lastLogged.Clear();
        }
        var log = false;
        _lastLogged.AddOrUpdate(refusal.TokenId,
            _ => { log = true; return now; },
            (_, last) => { log = now - last >= LogInterval; return log ? now : last; });
        if (!log)
        {
            return;
        }
        _logger.LogWarning("refused token={Token} status={Status} code={Code} request={Method} {Path} (further refusals of this token are counted, not logged, for a minute)",
            refusal.TokenId, refusal.Status, refusal.Code, method, path);
    }
}
