namespace Mesh.Gateway.Pipeline;

/// <summary>
/// Runs a connection's handler on the default execution context. Kestrel opens a logging scope
/// per connection (an AsyncLocal) whenever its logger is enabled at all, and with a non-default
/// context every resumption of the connection's awaits switches the thread's context in and out
/// again (<c>ExecutionContext.RunInternal</c>, <c>RestoreChangedContextToThread</c>): a handful per
/// request on the HTTP/1.1 fast path (perf: under 1% of the gateway's CPU; with the default context
/// the resumptions still pass through RunInternal, but switch nothing). The gateway's own code reads
/// no AsyncLocal, and its console log does not print scopes.
/// </summary>
public static class CleanExecutionContext
{
    /// <summary>The default context, captured on a thread started without one (UnsafeStart does not flow the starter's).</summary>
    private static readonly ExecutionContext Default = CaptureDefault();

    public static Task Run<TState>(Func<TState, Task> body, TState state)
    {
        var saved = ExecutionContext.Capture();
        if (saved is null || ReferenceEquals(saved, Default)) return body(state);
        ExecutionContext.Restore(Default);
        try
        {
            // Runs until its first await that does not complete at once; its continuations capture the default context.
            return body(state);
        }
        finally
        {
            ExecutionContext.Restore(saved);
        }
    }

    private static ExecutionContext CaptureDefault()
    {
        ExecutionContext? captured = null;
        var thread = new Thread(() => captured = ExecutionContext.Capture()) { IsBackground = true, Name = "mesh-context" };
        thread.UnsafeStart();
        thread.Join();
        return captured ?? throw new InvalidOperationException("no default execution context");
    }
}
