using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mesh.Tests.Api;

/// <summary>A logger factory that keeps every formatted message, for code that must log (or not) a given line.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<string> Lines { get; } = new();

    public ILoggerFactory Factory() => LoggerFactory.Create(b => b.AddProvider(this));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Lines.Enqueue($"{category}: {formatter(state, exception)}");
    }
}
