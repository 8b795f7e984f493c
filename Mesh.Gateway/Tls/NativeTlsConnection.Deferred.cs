using System.Threading.Tasks.Sources;
using Mesh.Gateway.Epoll;

namespace Mesh.Gateway.Tls;

/// <summary>
/// A flush made while the socket loop dispatches a batch waits for the batch's end (EpollLoop.Cork):
/// the records stay in the write BIO and the flush's awaiter completes once they are sent.
/// </summary>
internal sealed partial class NativeTlsConnection : IDeferredSend, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<bool> _flushed;
    private CancellationToken _flushToken;
    // One parked flush at a time: a second one in the same batch sends at once (the BIO is in order,
    // so the parked one then finds its records gone and completes).
    private bool _flushParked;

    /// <summary>Parks the flush until the batch's end when this thread is dispatching one (under the SSL lock).</summary>
    private bool TryParkFlush(CancellationToken cancellationToken, out ValueTask parked)
    {
        if (_epoll is null || _flushParked || !EpollLoop.TryDefer(this))
        {
            parked = default;
            return false;
        }
        _flushParked = true;
        _flushed.Reset();
        _flushToken = cancellationToken;
        parked = new ValueTask(this, _flushed.Version);
        return true;
    }

    void IDeferredSend.SendDeferred()
    {
        ValueTask send;
        try
        {
            lock (_gate) _flushParked = false;
            send = SendPendingAsync(_flushToken);
        }
        catch (Exception e)
        {
            _flushed.SetException(e);
            return;
        }
        if (send.IsCompletedSuccessfully)
        {
            _flushed.SetResult(true);
            return;
        }
        _ = CompleteParkedAsync(send);
    }

    private async Task CompleteParkedAsync(ValueTask send)
    {
        try
        {
            await send;
            _flushed.SetResult(true);
        }
        catch (Exception e)
        {
            _flushed.SetException(e);
        }
    }

    void IValueTaskSource.GetResult(short token) => _flushed.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _flushed.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _flushed.OnCompleted(continuation, state, token, flags);
}
