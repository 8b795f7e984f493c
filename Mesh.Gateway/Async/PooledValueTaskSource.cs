using System.Threading.Tasks.Sources;

namespace Mesh.Gateway.Async;

/// <summary>
/// What a <see cref="PooledValueTaskMethodBuilder{TResult}"/>'s <see cref="ValueTask{TResult}"/>
/// stands for: the method's result, read once, after which the box is recycled.
/// </summary>
public abstract class PooledValueTaskSource<TResult> : IValueTaskSource<TResult>
{
    private ManualResetValueTaskSourceCore<TResult> _core;

    public short Version => _core.Version;

    public void SetResult(TResult result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token)
    {
        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            // The one read is done: the next method of this kind may take the box.
            _core.Reset();
            Recycle();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    /// <summary>Clears the state kept for the method and returns the box to its pool.</summary>
    protected abstract void Recycle();
}
