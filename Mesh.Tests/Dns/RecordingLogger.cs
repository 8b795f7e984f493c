using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Dns;

/// <summary>Keeps every log line (level and message) for a test to check.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly object _gate = new();
    private TaskCompletionSource _logged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<(LogLevel Level, string Message)> Lines { get; } = new();

    /// <summary>Completes when a line matching <paramref name="match"/> has been logged (woken by each line, no polling).</summary>
    public async Task WaitForAsync(Func<(LogLevel Level, string Message), bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task next;
            lock (_gate) next = _logged.Task;
            if (Lines.Any(match)) return;
            await next.WaitAsync(cts.Token);
        }
    }

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        Lines.Enqueue((logLevel, formatter(state, exception)));
        TaskCompletionSource woken;
        lock (_gate)
        {
            woken = _logged;
            _logged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        woken.TrySetResult();
    }
}
