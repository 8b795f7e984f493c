using System.Runtime.CompilerServices;

namespace Mesh.Gateway.Async;

/// <summary>
/// One suspended method's state machine and result, kept in a pool per method (a closed generic
/// type per state machine) up to <see cref="Capacity"/> boxes: as many as that method can have in
/// flight at once on a busy gateway, so a box is a fresh allocation only when the number of
/// suspended calls reaches a new high.
/// </summary>
internal sealed class PooledStateMachineBox<TStateMachine, TResult> : PooledValueTaskSource<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>Enough for every connection of a busy gateway's keep-alive burst; above it, boxes are dropped to the GC.</summary>
    internal const int Capacity = 256;

    private static readonly Lock PoolLock = new();
    private static readonly PooledStateMachineBox<TStateMachine, TResult>?[] Pool = new PooledStateMachineBox<TStateMachine, TResult>?[Capacity];
    private static int _pooled;
    private static readonly ContextCallback RunInContext = static box => Unsafe.As<PooledStateMachineBox<TStateMachine, TResult>>(box!).StateMachine.MoveNext();

    /// <summary>The method's locals and position; the awaiters' continuations move it on.</summary>
    public TStateMachine StateMachine = default!;

    /// <summary>The context of the await it is suspended at (null when flow was suppressed).</summary>
    public ExecutionContext? Context;

    private PooledStateMachineBox() => MoveNextAction = MoveNext;

    /// <summary>The continuation every await of this box registers: one delegate for the box's lifetime.</summary>
    public Action MoveNextAction { get; }

    /// <summary>Boxes in the pool now (for tests).</summary>
    internal static int Pooled
    {
        get
        {
            lock (PoolLock) return _pooled;
        }
    }

    public static PooledStateMachineBox<TStateMachine, TResult> Rent()
    {
        lock (PoolLock)
        {
            if (_pooled > 0)
            {
                var box = Pool[--_pooled]!;
                Pool[_pooled] = null;
                return box;
            }
        }
        return new PooledStateMachineBox<TStateMachine, TResult>();
    }

    private void MoveNext()
    {
        var context = Context;
        if (context is null) StateMachine.MoveNext();
        else ExecutionContext.Run(context, RunInContext, this);
    }

    protected override void Recycle()
    {
        // Nothing of the finished call stays reachable from the pool.
        StateMachine = default!;
        Context = null;
        lock (PoolLock)
        {
            if (_pooled < Capacity) Pool[_pooled++] = this;
        }
    }
}
