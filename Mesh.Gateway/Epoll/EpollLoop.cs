using System.Runtime.InteropServices;

namespace Mesh.Gateway.Epoll;

/// <summary>
/// One thread waiting in epoll_wait for the sockets registered with it, edge-triggered, and
/// running each ready socket's completions on itself (as the runtime's inline completions do).
/// It exists for what .NET's socket engine cannot do: that engine tries every receive before it
/// waits, so each wait for a request or an answer costs a receive that fails with EAGAIN; this
/// loop knows a socket is drained when a read comes back short and waits without asking.
/// A registration is an index into a slot table plus a generation, so an event still queued for
/// a socket that has gone cannot reach the socket that reused its slot.
/// </summary>
internal sealed unsafe class EpollLoop
{
    private const int MaxEvents = 256;
    private static readonly Lazy<EpollLoop[]> Loops = new(() =>
        [.. Enumerable.Range(0, Math.Max(1, Environment.ProcessorCount)).Select(i => new EpollLoop(i))]);
    private static int _next;

    private readonly int _epfd;
    private readonly Lock _gate = new();
    private EpollSocket?[] _slots = new EpollSocket?[1024];
    private readonly Stack<int> _free = new();
    private int _used;
    private uint _generation;

    private EpollLoop(int index)
    {
        _epfd = EpollNative.Create();
        var thread = new Thread(Run) { IsBackground = true, Name = $"Mesh epoll {index}" };
        thread.UnsafeStart();
    }

    /// <summary>The loop whose thread this is, if any.</summary>
    [ThreadStatic]
    private static EpollLoop? t_current;

    /// <summary>The sends parked during the batch this thread is dispatching; null outside a dispatch (and off a loop's thread).</summary>
    [ThreadStatic]
    private static List<IDeferredSend>? t_deferred;

    /// <summary>
    /// Whether sends made while a batch is dispatched wait for the batch's end (MESH_EPOLL_CORK=0 turns it off).
    /// Sent as they come, the answers of one batch leave one at a time and wake their readers one
    /// at a time (wrk and the app each wake per answer, with an IPI on another core); sent after the
    /// batch, a reader that wakes finds all of its answers (HAProxy sends at the end of its loop too).
    /// </summary>
    private static readonly bool Cork = Environment.GetEnvironmentVariable("MESH_EPOLL_CORK") != "0";

    /// <summary>
    /// Parks a send until the end of the batch this thread is dispatching: true when it is parked
    /// (the caller completes its awaiter from <see cref="IDeferredSend.SendDeferred"/>), false when
    /// the caller should send now (not on a loop's thread, or between batches).
    /// </summary>
    public static bool TryDefer(IDeferredSend send)
    {
        if (t_deferred is not { } deferred) return false;
        deferred.Add(send);
        return true;
    }

    /// <summary>
    /// A loop for a new socket: the caller's own when it runs on one (a connection to an app opened
    /// while serving a client stays on the client's thread), else round-robin over one per core.
    /// </summary>
    public static EpollLoop Next()
    {
        if (t_current is { } current) return current;
        var loops = Loops.Value;
        return loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)];
    }

    /// <summary>Registers the descriptor for reads and writes; the token it returns names the registration. −errno on failure.</summary>
    public long Register(EpollSocket socket, int fd)
    {
        ulong token;
        lock (_gate)
        {
            int index;
            if (_free.Count > 0) index = _free.Pop();
            else
            {
                if (_used == _slots.Length)
                {
                    var bigger = new EpollSocket?[_slots.Length * 2];
                    _slots.CopyTo(bigger, 0);
                    Volatile.Write(ref _slots, bigger);
                }
                index = _used++;
            }
            _slots[index] = socket;
            token = ((ulong)++_generation << 32) | (uint)index;
        }
        socket.Token = token;
        var added = EpollNative.Add(_epfd, fd, EpollNative.EPOLLIN | EpollNative.EPOLLOUT | EpollNative.EPOLLRDHUP | EpollNative.EPOLLET, token);
        if (added < 0)
        {
            Release(token);
            return added;
        }
        return 0;
    }

    /// <summary>Takes the descriptor out of the set (before it is closed) and frees its slot.</summary>
    public void Unregister(ulong token, int fd)
    {
        EpollNative.Remove(_epfd, fd);
        Release(token);
    }

    private void Release(ulong token)
    {
        var index = (int)(uint)token;
        lock (_gate)
        {
            if (_slots[index] is { } s && s.Token == token)
            {
                _slots[index] = null;
                _free.Push(index);
            }
        }
    }

    private void Run()
    {
        t_current = this;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EpollNative.EventSize));
        var deferred = new List<IDeferredSend>();
        while (true)
        {
            var n = EpollNative.Wait(_epfd, events, MaxEvents);
            if (n < 0) continue; // EINTR
            if (Cork) t_deferred = deferred;
            for (var i = 0; i < n; i++)
            {
                var token = EpollNative.DataAt(events, i);
                var index = (int)(uint)token;
                var slots = Volatile.Read(ref _slots);
                if ((uint)index < (uint)slots.Length && slots[index] is { } socket && socket.Token == token)
                {
                    try
                    {
                        socket.OnEvents(EpollNative.EventsAt(events, i));
                    }
                    catch (Exception)
                    {
                        // A completion's failure belongs to whoever awaits it (the awaiter has it);
                        // the loop keeps serving every other socket.
                    }
                }
            }
            // What the batch's completions sent goes out now; the continuations these sends run send at once.
            t_deferred = null;
            for (var i = 0; i < deferred.Count; i++)
            {
                try
                {
                    deferred[i].SendDeferred();
                }
                catch (Exception)
                {
                    // As above: the awaiter of the send has its failure.
                }
            }
            deferred.Clear();
        }
    }
}
