namespace Mesh.Gateway.Epoll;

/// <summary>A send parked while its loop dispatches a batch of events, made once the batch is done (<see cref="EpollLoop.TryDefer"/>).</summary>
internal interface IDeferredSend
{
    /// <summary>Makes the parked send now and completes whoever awaits it (on the loop's thread, after the batch).</summary>
    void SendDeferred();
}
