using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Mesh.Gateway.Async;

namespace Mesh.Tests.GatewayUnit;

/// <summary>
/// The data path's pooling builder, in memory: every caller gets its own result and exception
/// however boxes are reused, contexts flow as with the runtime's builders, and once warm a round of
/// suspended calls takes its boxes from the pool instead of allocating.
/// </summary>
public sealed class PooledValueTaskMethodBuilderTests
{
    /// <summary>An awaitable the test completes by hand, reusable and allocation-free: continuations run inline on the completing thread.</summary>
    private sealed class Signal : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        public ValueTask<int> Wait() => new(this, _core.Version);

        public void Set(int value) => _core.SetResult(value);

        public void Fail(Exception e) => _core.SetException(e);

        public int GetResult(short token)
        {
            try
            {
                return _core.GetResult(token);
            }
            finally
            {
                _core.Reset();
            }
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }

    /// <summary>
    /// No synchronization context while it is held, as on the gateway's threads: continuations then
    /// run inline where the test completes a signal (xunit's own context would post them).
    /// </summary>
    private sealed class NoSynchronizationContext : IDisposable
    {
        private readonly SynchronizationContext? _saved = SynchronizationContext.Current;

        public NoSynchronizationContext() => SynchronizationContext.SetSynchronizationContext(null);

        public void Dispose() => SynchronizationContext.SetSynchronizationContext(_saved);
    }

    /// <summary>The result of a call the test has already completed (its signals were set inline): reading it recycles its box.</summary>
    private static int Completed(ValueTask<int> call)
    {
        Assert.True(call.IsCompleted);
        return call.Result;
    }

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<int> Inner(Signal signal, int add) => await signal.Wait() + add;

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<int> Outer(Signal signal, int add) => await Inner(signal, add) * 2;

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<int> Immediate(int value, bool fail)
    {
        if (fail) throw new InvalidOperationException("sync " + value);
        await Task.CompletedTask;
        return value;
    }

    private static readonly AsyncLocal<string?> Flowing = new();

    [AsyncMethodBuilder(typeof(PooledValueTaskMethodBuilder<>))]
    private static async ValueTask<string?> SeesContext(Task gate)
    {
        await gate;
        var seen = Flowing.Value;
        Flowing.Value = "set inside";
        return seen;
    }

    [Fact]
    public async Task A_method_that_never_suspends_returns_its_value_or_throws_its_exception()
    {
        Assert.Equal(7, await Immediate(7, fail: false));
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () => await Immediate(8, fail: true));
        Assert.Equal("sync 8", e.Message);
    }

    [Fact]
    public void Suspended_calls_completed_out_of_order_each_get_their_own_result()
    {
        using var inline = new NoSynchronizationContext();
        var signals = Enumerable.Range(0, 64).Select(_ => new Signal()).ToArray();
        var random = new Random(42);
        for (var round = 0; round < 50; round++)
        {
            var calls = signals.Select((s, i) => Outer(s, i)).ToArray();
            Assert.All(calls, c => Assert.False(c.IsCompleted));
            foreach (var i in Enumerable.Range(0, 64).OrderBy(_ => random.Next())) signals[i].Set(round * 1000);
            for (var i = 0; i < calls.Length; i++) Assert.Equal((round * 1000 + i) * 2, Completed(calls[i]));
        }
    }

    [Fact]
    public async Task An_exception_after_a_suspension_reaches_the_caller_and_the_next_call_is_clean()
    {
        var signal = new Signal();
        var failing = Outer(signal, 1);
        signal.Fail(new TimeoutException("late"));
        var e = await Assert.ThrowsAsync<TimeoutException>(async () => await failing);
        Assert.Equal("late", e.Message);
        var next = Outer(signal, 1);
        signal.Set(4);
        Assert.Equal(10, await next);
    }

    [Fact]
    public async Task Calls_resumed_on_other_threads_complete_with_their_results()
    {
        var signals = Enumerable.Range(0, 256).Select(_ => new Signal()).ToArray();
        for (var round = 0; round < 20; round++)
        {
            var calls = signals.Select((s, i) => Outer(s, i).AsTask()).ToArray();
            await Parallel.ForEachAsync(Enumerable.Range(0, signals.Length), (i, _) =>
            {
                signals[i].Set(round);
                return ValueTask.CompletedTask;
            });
            var results = await Task.WhenAll(calls);
            Assert.Equal(Enumerable.Range(0, signals.Length).Select(i => (round + i) * 2), results);
        }
    }

    [Fact]
    public async Task The_callers_context_flows_in_and_the_methods_own_changes_do_not_flow_out()
    {
        Flowing.Value = "caller";
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var call = SeesContext(gate.Task);
        gate.SetResult();
        Assert.Equal("caller", await call);
        Assert.Equal("caller", Flowing.Value);
    }

    [Fact]
    public void Once_warm_a_round_of_suspended_calls_allocates_no_boxes()
    {
        using var inline = new NoSynchronizationContext();
        var signals = Enumerable.Range(0, 64).Select(_ => new Signal()).ToArray();
        var calls = new ValueTask<int>[signals.Length];
        void Round()
        {
            for (var i = 0; i < signals.Length; i++) calls[i] = Outer(signals[i], i);
            for (var i = 0; i < signals.Length; i++) signals[i].Set(i);
            for (var i = 0; i < signals.Length; i++) _ = Completed(calls[i]);
        }
        Round();
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var round = 0; round < 20; round++) Round();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Unpooled, 20 rounds of 128 suspended calls would allocate 2,560 boxes (well over 100 KB).
        Assert.True(allocated < 4096, $"{allocated} bytes allocated in 20 warm rounds");
    }
}
