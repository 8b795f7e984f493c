using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Async;

/// <summary>
/// The builder of the data path's per-request async methods: like
/// <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/>, a method that suspends keeps its state
/// in a reused box instead of a new one, but the boxes of each method are kept in a pool as deep as
/// the connections in flight (<see cref="PooledStateMachineBox{TStateMachine, TResult}"/>). The
/// runtime's builder keeps one box per thread and one per core: on a gateway pinned to one core
/// with 64 connections each suspended in five nested methods, nearly every rent missed, and the
/// boxes were about 60% of the bytes allocated per request.
/// </summary>
/// <remarks>
/// The same contract as the runtime's pooling builder: the returned <see cref="ValueTask{TResult}"/>
/// is awaited once (its box goes back to the pool when its result is read). A method that completes
/// without suspending allocates nothing.
/// </remarks>
[StructLayout(LayoutKind.Auto)]
public struct PooledValueTaskMethodBuilder<TResult>
{
    /// <summary>Set at the first await that suspends; the boxed copy of the state machine carries it too.</summary>
    private PooledValueTaskSource<TResult>? _box;
    private TResult _result;
    private Exception? _error;

    public static PooledValueTaskMethodBuilder<TResult> Create() => default;

    public readonly ValueTask<TResult> Task => _box is { } box
        ? new ValueTask<TResult>(box, box.Version)
        : _error is { } error ? ValueTask.FromException<TResult>(error) : new ValueTask<TResult>(_result);

    /// <summary>Runs the method to its first suspension, restoring the caller's execution and synchronization contexts (the runtime's own Start).</summary>
    public readonly void Start<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine =>
        default(AsyncValueTaskMethodBuilder<TResult>).Start(ref stateMachine);

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // Boxing is this builder's job (GetBox): nothing to keep.
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box) box.SetResult(result);
        else _result = result;
    }

    public void SetException(Exception exception)
    {
        if (_box is { } box) box.SetException(exception);
        else _error = exception;
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.OnCompleted(GetBox(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion where TStateMachine : IAsyncStateMachine =>
        awaiter.UnsafeOnCompleted(GetBox(ref stateMachine).MoveNextAction);

    private PooledStateMachineBox<TStateMachine, TResult> GetBox<TStateMachine>(ref TStateMachine stateMachine) where TStateMachine : IAsyncStateMachine
    {
        // Each suspension resumes in the context current at that await, as with the runtime's builders.
        var context = ExecutionContext.Capture();
        if (_box is PooledStateMachineBox<TStateMachine, TResult> boxed)
        {
            boxed.Context = context;
            return boxed;
        }
        var box = PooledStateMachineBox<TStateMachine, TResult>.Rent();
        // Before the copy: the boxed state machine's builder must point at its own box.
        _box = box;
        box.StateMachine = stateMachine;
        box.Context = context;
        return box;
    }
}
