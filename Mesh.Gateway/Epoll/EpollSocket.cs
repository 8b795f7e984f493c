using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;
using Mesh.Gateway.Connections;

namespace Mesh.Gateway.Epoll;

/// <summary>
/// A socket driven by an <see cref="EpollLoop"/>: one receive and one send (or connect) at a
/// time, each completed on the caller's thread when the kernel has what it needs, else parked
/// and completed by the loop on the next edge. Readiness is tracked as the kernel reports it:
/// a receive that comes back shorter than its buffer, or a send that takes less than it was
/// given, means the socket is drained (or full), and the next operation waits for an edge
/// instead of making a system call that would fail with EAGAIN. An edge counter taken before
/// each attempt keeps an edge that arrives during the attempt from being lost.
/// </summary>
internal sealed partial class EpollSocket : IValueTaskSource<int>, IDeferredSend, IDisposable
{
    private const int MaxVectors = 64;

    private readonly Lock _gate = new();
    private readonly EpollLoop _loop;
    private readonly SafeHandle _handle;
    private readonly int _fd;
    private readonly WriteSource _writeSource;
    /// <summary>
    /// The pins of a gathered send, held only for its one system call: per thread, not per socket,
    /// so an idle connection that once sent in pieces does not keep 64 of them.
    /// </summary>
    [ThreadStatic]
    private static MemoryHandle[]? t_pins;
    private bool _closed;

    private bool _readReady = true;
    private uint _readEdges;
    /// <summary>The peer's FIN (or an error) was reported: a short read no longer means drained, the end is still to be read.</summary>
    private bool _readHangup;
    private Op _readOp;
    private Memory<byte> _readBuffer;
    private CancellationToken _readToken;
    private CancellationTokenRegistration _readCancel;
    private ManualResetValueTaskSourceCore<int> _read;

    private bool _writeReady;
    private uint _writeEdges;
    private Op _writeOp;
    private ReadOnlySequence<byte> _writeData;
    private CancellationToken _writeToken;
    private CancellationTokenRegistration _writeCancel;
    private ManualResetValueTaskSourceCore<int> _write;

    private enum Op : byte
    {
        None,
        Wait,
        Receive,
        Send,
        Connect,
        /// <summary>The loop is making the system call for a parked operation; nobody else completes it.</summary>
        InFlight,
    }

    private EpollSocket(Socket socket, bool connecting)
    {
        Socket = socket;
        _handle = socket.SafeHandle;
        _fd = (int)_handle.DangerousGetHandle();
        _writeReady = !connecting;
        _writeSource = new WriteSource(this);
        _loop = EpollLoop.Next();
    }

    public Socket Socket { get; }

    /// <summary>The loop's name for this registration (slot and generation).</summary>
    public ulong Token { get; set; }

    /// <summary>Takes an accepted (connected) socket onto a loop; null where the loop cannot have it.</summary>
    public static EpollSocket? TryCreate(Socket socket)
    {
        if (!EpollNative.Supported) return null;
        var epoll = new EpollSocket(socket, connecting: false);
        LinuxSplice.EnsureNonBlocking(epoll._fd);
        return epoll._loop.Register(epoll, epoll._fd) == 0 ? epoll : null;
    }

    /// <summary>Connects a new TCP socket (no delay) to <paramref name="endPoint"/> on a loop.</summary>
    public static async ValueTask<EpollSocket> ConnectAsync(IPEndPoint endPoint, CancellationToken cancellationToken)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        EpollSocket? epoll = null;
        try
        {
            epoll = new EpollSocket(socket, connecting: true);
            LinuxSplice.EnsureNonBlocking(epoll._fd);
            var started = EpollNative.Connect(epoll._fd, SocketAddressOf(endPoint));
            if (started != 0 && started != -EpollNative.EINPROGRESS) throw new SocketException((int)EpollNative.ToSocketError(-started));
            // Registered after connect(2) has begun: a socket not yet connecting reports a hang-up.
            var added = epoll._loop.Register(epoll, epoll._fd);
            if (added < 0) throw new SocketException((int)EpollNative.ToSocketError((int)-added));
            if (started != 0) await epoll.WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            return epoll;
        }
        catch
        {
            if (epoll is not null) epoll.Dispose();
            else socket.Dispose();
            throw;
        }
    }

    /// <summary>Reads into <paramref name="buffer"/> (not empty): bytes read, 0 at the end of the stream.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            uint seen;
            lock (_gate)
            {
                if (_closed) return ValueTask.FromException<int>(new ObjectDisposedException(nameof(EpollSocket)));
                if (!_readReady) return ParkRead(Op.Receive, buffer, cancellationToken);
                seen = _readEdges;
            }
            var n = Receive(buffer.Span);
            if (n == -EpollNative.EAGAIN)
            {
                ReadDrained(seen);
                continue;
            }
            if (n < 0) return ValueTask.FromException<int>(Failure(n));
            // A short read drained the socket (as nginx and HAProxy assume on edge-triggered epoll),
            // unless the peer's FIN came with the bytes: then no edge follows and the end is still to be read.
            if (n > 0 && n < buffer.Length) ReadDrained(seen, shortRead: true);
            return new ValueTask<int>((int)n);
        }
    }

    /// <summary>Completes when the socket may be read (data, its end, or an error): no system call, no buffer held while waiting.</summary>
    public ValueTask<int> WaitReadableAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_closed) return ValueTask.FromException<int>(new ObjectDisposedException(nameof(EpollSocket)));
            if (_readReady) return new ValueTask<int>(0);
            return ParkRead(Op.Wait, default, cancellationToken);
        }
    }

    /// <summary>
    /// The caller has read everything the peer had to say, and the peer speaks only when spoken to
    /// (a pooled HTTP/1.1 connection between requests): the next receive waits for an edge instead
    /// of trying first and failing with EAGAIN. Whatever arrives from now on brings an edge; a FIN or
    /// an error already reported keeps the socket readable.
    /// </summary>
    public void AssumeDrained()
    {
        lock (_gate)
        {
            if (_readOp == Op.None && !_readHangup) _readReady = false;
        }
    }

    /// <summary>Read edges seen so far: taken before someone else reads the descriptor (OpenSSL's socket BIO).</summary>
    public uint ReadEdges => Volatile.Read(ref _readEdges);

    /// <summary>
    /// Waits for bytes after a read made elsewhere (OpenSSL) found the socket empty: parks unless an
    /// edge came after <paramref name="seenEdges"/>, that is, unless bytes arrived since that read began.
    /// </summary>
    public ValueTask<int> WaitReadableAsync(uint seenEdges, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_closed) return ValueTask.FromException<int>(new ObjectDisposedException(nameof(EpollSocket)));
            if (_readEdges != seenEdges) return new ValueTask<int>(0);
            _readReady = false;
            return ParkRead(Op.Wait, default, cancellationToken);
        }
    }

    /// <summary>Called by the loop with the events of one edge.</summary>
    public void OnEvents(uint events)
    {
        const uint broken = EpollNative.EPOLLERR | EpollNative.EPOLLHUP;
        if ((events & (EpollNative.EPOLLIN | EpollNative.EPOLLRDHUP | broken)) != 0) OnReadable((events & (EpollNative.EPOLLRDHUP | broken)) != 0);
        if ((events & (EpollNative.EPOLLOUT | broken)) != 0) OnWritable();
    }

    public void Dispose() => Close(closeSocket: true);

    /// <summary>Leaves the loop without closing the socket (another engine takes it over); pending operations fail.</summary>
    public void Detach() => Close(closeSocket: false);

    private void Close(bool closeSocket)
    {
        Op read, write;
        CancellationTokenRegistration readCancel, writeCancel;
        lock (_gate)
        {
            if (_closed) return;
            _closed = true;
            read = _readOp is Op.Wait or Op.Receive ? _readOp : Op.None;
            write = _writeOp is Op.Send or Op.Connect ? _writeOp : Op.None;
            if (read != Op.None) _readOp = Op.None;
            if (write != Op.None) _writeOp = Op.None;
            readCancel = TakeRegistration(ref _readCancel);
            writeCancel = TakeRegistration(ref _writeCancel);
        }
        readCancel.Unregister();
        writeCancel.Unregister();
        if (Token != 0) _loop.Unregister(Token, _fd);
        if (closeSocket) Socket.Dispose();
        if (read != Op.None) _read.SetException(new ObjectDisposedException(nameof(EpollSocket)));
        if (write != Op.None) _write.SetException(new ObjectDisposedException(nameof(EpollSocket)));
    }

    private void OnReadable(bool hangup)
    {
        Op op;
        uint seen;
        CancellationTokenRegistration cancel = default;
        lock (_gate)
        {
            _readReady = true;
            _readHangup |= hangup;
            seen = ++_readEdges;
            op = _readOp;
            if (op is not (Op.Wait or Op.Receive)) return;
            if (op == Op.Wait)
            {
                _readOp = Op.None;
                cancel = TakeRegistration(ref _readCancel);
            }
            else _readOp = Op.InFlight;
        }
        if (op == Op.Wait)
        {
            cancel.Unregister();
            _read.SetResult(0);
            return;
        }
        var buffer = _readBuffer;
        while (true)
        {
            var n = Receive(buffer.Span);
            if (n == -EpollNative.EAGAIN)
            {
                lock (_gate)
                {
                    if (_readEdges == seen)
                    {
                        // Spurious: wait again, unless the reader gave up meanwhile.
                        _readReady = false;
                        if (!_readToken.IsCancellationRequested)
                        {
                            _readOp = Op.Receive;
                            return;
                        }
                        _readOp = Op.None;
                        cancel = TakeRegistration(ref _readCancel);
                        n = long.MinValue;
                    }
                    else seen = _readEdges;
                }
                if (n == long.MinValue)
                {
                    cancel.Unregister();
                    _read.SetException(new OperationCanceledException(_readToken));
                    return;
                }
                continue;
            }
            lock (_gate)
            {
                _readOp = Op.None;
                cancel = TakeRegistration(ref _readCancel);
                if (n > 0 && n < buffer.Length && _readEdges == seen && !_readHangup) _readReady = false;
            }
            cancel.Unregister();
            _readBuffer = default;
            if (n < 0) _read.SetException(Failure(n));
            else _read.SetResult((int)n);
            return;
        }
    }

    /// <summary>Under the gate: the reader waits for the next edge.</summary>
    private ValueTask<int> ParkRead(Op op, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<int>(cancellationToken);
        _read.Reset();
        _readOp = op;
        _readBuffer = buffer;
        _readToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            // Not yet canceled (checked above), so the callback cannot run inside this gate.
            _readCancel = cancellationToken.UnsafeRegister(static s => ((EpollSocket)s!).CancelRead(), this);
        }
        return new ValueTask<int>(this, _read.Version);
    }

    private void CancelRead()
    {
        lock (_gate)
        {
            if (_readOp is not (Op.Wait or Op.Receive)) return;
            _readOp = Op.None;
            _readCancel = default;
            _readBuffer = default;
        }
        _read.SetException(new OperationCanceledException(_readToken));
    }

    private static CancellationTokenRegistration TakeRegistration(ref CancellationTokenRegistration registration)
    {
        var taken = registration;
        registration = default;
        return taken;
    }

    private void ReadDrained(uint seen, bool shortRead = false)
    {
        lock (_gate)
        {
            if (_readEdges == seen && !(shortRead && _readHangup)) _readReady = false;
        }
    }

    private long Receive(Span<byte> buffer)
    {
        var added = false;
        try
        {
            _handle.DangerousAddRef(ref added);
            return EpollNative.Receive(_fd, buffer);
        }
        catch (ObjectDisposedException)
        {
            return -9; // EBADF: closed under us
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    private static Exception Failure(long negativeErrno) => negativeErrno == -9
        ? new ObjectDisposedException(nameof(EpollSocket))
        : new SocketException((int)EpollNative.ToSocketError((int)-negativeErrno));

    int IValueTaskSource<int>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _read.OnCompleted(continuation, state, token, flags);
}
