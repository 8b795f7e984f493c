namespace Mesh.Grains;

/// <summary>
/// Coalesces state writes of a reentrant grain: callers that change state while a write is in
/// flight share the next write, so N concurrent changes cost about two writes, not N. Each
/// caller's task completes only once a write that includes its change is durable. Runs on the
/// grain's single-threaded scheduler, so it needs no locks.
/// </summary>
internal sealed class GroupCommit(Func<Task> write)
{
    private Task? _current;
    private TaskCompletionSource? _next;

    public Task Commit()
    {
        if (_current is null)
        {
            _current = Run();
            return _current;
        }
        _next ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _next.Task;
    }

    private async Task Run()
    {
        try
        {
            await write();
        }
        finally
        {
            var next = _next;
            _next = null;
            _current = next is null ? null : RunFor(next);
        }
    }

    private async Task RunFor(TaskCompletionSource waiters)
    {
        try
        {
            await Run();
            waiters.SetResult();
        }
        catch (Exception e)
        {
            waiters.SetException(e);
        }
    }
}
