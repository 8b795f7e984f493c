namespace Mesh.Tests.Infrastructure;

/// <summary>
/// Reads the lines of a running deploy/probe-client.py: one per request, "<unix ms> ok|fail …".
/// A test marks a position, causes a fault, waits for enough requests after it, and counts.
/// </summary>
internal sealed class ProbeClient(RunningProcess process)
{
    public sealed record Result(long UnixMs, bool Ok, string Text);

    public IReadOnlyList<Result> Results => process.Output.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.Length > 0 && char.IsDigit(l[0]))
        .Select(l => l.Split(' ', 3))
        .Where(p => p.Length == 3 && long.TryParse(p[0], out _))
        .Select(p => new Result(long.Parse(p[0]), p[1] == "ok", p[2]))
        .ToList();

    public int Mark() => Results.Count;

    /// <summary>Waits until <paramref name="count"/> requests after <paramref name="mark"/> satisfy <paramref name="condition"/> and returns every request since the mark.</summary>
    public async Task<IReadOnlyList<Result>> WaitAsync(int mark, int count, Func<Result, bool> condition, TimeSpan deadline)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            // Taken before reading, so a line printed in between still wakes the wait.
            var next = process.NextLineAsync();
            var since = Results.Skip(mark).ToList();
            if (since.Count(condition) >= count) return since;
            if (DateTime.UtcNow > until || process.HasExited)
            {
                throw new TimeoutException($"probe: {since.Count(condition)} of {count} wanted requests after the mark; last: {string.Join(" | ", since.TakeLast(5).Select(r => r.Text))}");
            }
            var left = until - DateTime.UtcNow;
            await Task.WhenAny(next, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero));
        }
    }
}
