using Mesh.Gateway.Connections;
using Microsoft.Extensions.Time.Testing;

namespace Mesh.Tests.GatewayUnit;

/// <summary>
/// Connection timeouts on the sweeper, in memory: a client that stops sending gets its read cancelled
/// once its time is up, never one whose timeout was re-armed for the next request, and a client that
/// went away ends the wait at once.
/// </summary>
public sealed class DeadlineTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly DeadlineSweeper _sweeper;

    public DeadlineTests() => _sweeper = new DeadlineSweeper(_time);

    public void Dispose() => _sweeper.Dispose();

    /// <summary>Completes when the token is cancelled (the sweeper cancels on the thread pool).</summary>
    private static Task Cancelled(CancellationToken token)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        token.Register(() => done.TrySetResult());
        return done.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_read_whose_time_runs_out_is_cancelled_by_the_next_sweep()
    {
        using var deadline = new Deadline(_sweeper);
        deadline.Arm(TimeSpan.FromSeconds(2));
        var token = deadline.Token;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(deadline.Due(_sweeper.Now));
        _time.Advance(TimeSpan.FromSeconds(1) + DeadlineSweeper.Interval);
        await Cancelled(token);
    }

    [Fact]
    public void A_timeout_re_armed_before_it_is_due_does_not_fire_at_the_old_time()
    {
        using var deadline = new Deadline(_sweeper);
        deadline.Arm(TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(1.5));
        deadline.Arm(TimeSpan.FromSeconds(10));
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Null(deadline.Due(_sweeper.Now));
        Assert.False(deadline.Token.IsCancellationRequested);
        deadline.Arm(Timeout.InfiniteTimeSpan);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Null(deadline.Due(_sweeper.Now));
    }

    [Fact]
    public void The_next_operation_after_a_timeout_fired_gets_a_token_of_its_own()
    {
        using var deadline = new Deadline(_sweeper);
        deadline.Arm(TimeSpan.FromSeconds(1));
        var first = deadline.Token;
        _time.Advance(TimeSpan.FromSeconds(1));
        // The sweep took the due token (its cancellation may still be queued): the next request is timed afresh.
        Assert.Null(deadline.Due(_sweeper.Now));
        deadline.Arm(TimeSpan.FromSeconds(30));
        Assert.NotEqual(first, deadline.Token);
        Assert.False(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public void Expire_cancels_the_wait_in_progress_and_a_token_read_after_it()
    {
        using var deadline = new Deadline(_sweeper);
        deadline.Arm(TimeSpan.FromMinutes(1));
        var waiting = deadline.Token;
        deadline.Expire();
        Assert.True(waiting.IsCancellationRequested);
        Assert.True(deadline.Token.IsCancellationRequested);
        deadline.Arm(TimeSpan.FromMinutes(1));
        Assert.False(deadline.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task A_disposed_deadline_is_no_longer_swept()
    {
        var deadline = new Deadline(_sweeper);
        deadline.Arm(TimeSpan.FromSeconds(1));
        var token = deadline.Token;
        deadline.Dispose();
        using var other = new Deadline(_sweeper);
        other.Arm(TimeSpan.FromSeconds(1));
        var live = other.Token;
        _time.Advance(TimeSpan.FromSeconds(2));
        // The sweep that cancels the live one has passed the disposed one by.
        await Cancelled(live);
        Assert.False(token.IsCancellationRequested);
    }
}
