using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace Mesh.Gateway.Epoll;

/// <summary>The send side of <see cref="EpollSocket"/>: sends (gathered), connect, and their completion on the loop.</summary>
internal sealed partial class EpollSocket
{
    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => SendAsync(new ReadOnlySequence<byte>(data), cancellationToken);

    /// <summary>Sends all of <paramref name="data"/> (gathered into one sendmsg when it is in several pieces).</summary>
    public ValueTask SendAsync(in ReadOnlySequence<byte> data, CancellationToken cancellationToken = default)
    {
        var rest = data;
        while (!rest.IsEmpty)
        {
            uint seen;
            lock (_gate)
            {
                if (_closed) return ValueTask.FromException(new ObjectDisposedException(nameof(EpollSocket)));
                if (!_writeReady) return ParkWrite(Op.Send, rest, cancellationToken);
                // During a batch, the send waits for the batch's end (EpollLoop.Cork); its awaiter with it.
                if (EpollLoop.TryDefer(this)) return ParkWrite(Op.Send, rest, cancellationToken);
                seen = _writeEdges;
            }
            var n = Send(rest, out var offered);
            if (n == -EpollNative.EAGAIN)
            {
                WriteFull(seen);
                continue;
            }
            if (n < 0) return ValueTask.FromException(Failure(n));
            rest = rest.Slice(n);
            // Taking less than it was offered means the socket's buffer is full (not when the offer
            // itself stopped short of the data, at the vector limit).
            if (n < offered) WriteFull(seen);
        }
        return default;
    }

    private ValueTask WaitConnectedAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_writeReady) return ParkWrite(Op.Connect, default, cancellationToken);
        }
        var error = EpollNative.PendingError(_fd);
        return error == 0 ? default : ValueTask.FromException(new SocketException((int)EpollNative.ToSocketError(error)));
    }

    private void OnWritable()
    {
        Op op;
        uint seen;
        CancellationTokenRegistration cancel = default;
        lock (_gate)
        {
            _writeReady = true;
            seen = ++_writeEdges;
            op = _writeOp;
            if (op is not (Op.Send or Op.Connect)) return;
            _writeOp = op == Op.Connect ? Op.None : Op.InFlight;
            if (op == Op.Connect) cancel = TakeRegistration(ref _writeCancel);
        }
        if (op == Op.Connect)
        {
            cancel.Unregister();
            var error = EpollNative.PendingError(_fd);
            if (error == 0) _write.SetResult(0);
            else _write.SetException(new SocketException((int)EpollNative.ToSocketError(error)));
            return;
        }
        SendParked(seen);
    }

    /// <summary>The send parked at the batch's end: made now, unless the socket filled meanwhile (then its EPOLLOUT edge makes it).</summary>
    void IDeferredSend.SendDeferred()
    {
        uint seen;
        lock (_gate)
        {
            if (_writeOp != Op.Send || !_writeReady) return;
            _writeOp = Op.InFlight;
            seen = _writeEdges;
        }
        SendParked(seen);
    }

    /// <summary>Sends the parked data (<see cref="Op.InFlight"/>), parks again on a full socket, completes the awaiter once all of it is out.</summary>
    private void SendParked(uint seen)
    {
        var rest = _writeData;
        while (!rest.IsEmpty)
        {
            var n = Send(rest, out var offered);
            if (n >= 0) rest = rest.Slice(n);
            if (n == -EpollNative.EAGAIN || (n >= 0 && n < offered))
            {
                lock (_gate)
                {
                    if (_writeEdges == seen)
                    {
                        _writeReady = false;
                        _writeData = rest;
                        _writeOp = Op.Send;
                        return;
                    }
                    seen = _writeEdges;
                }
                continue;
            }
            if (n < 0)
            {
                lock (_gate) _writeOp = Op.None;
                _writeData = default;
                _write.SetException(Failure(n));
                return;
            }
        }
        lock (_gate) _writeOp = Op.None;
        _writeData = default;
        _write.SetResult(0);
    }

    private ValueTask ParkWrite(Op op, ReadOnlySequence<byte> data, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled(cancellationToken);
        _write.Reset();
        _writeOp = op;
        _writeData = data;
        _writeToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _writeCancel = cancellationToken.UnsafeRegister(static s => ((EpollSocket)s!).CancelWrite(), this);
        }
        return new ValueTask(_writeSource, _write.Version);
    }

    private void CancelWrite()
    {
        lock (_gate)
        {
            if (_writeOp is not (Op.Send or Op.Connect)) return;
            _writeOp = Op.None;
            _writeCancel = default;
            _writeData = default;
        }
        _write.SetException(new OperationCanceledException(_writeToken));
    }

    private void WriteFull(uint seen)
    {
        lock (_gate)
        {
            if (_writeEdges == seen) _writeReady = false;
        }
    }

    /// <summary>One send(2) or sendmsg(2) of what <paramref name="data"/> holds, up to <see cref="MaxVectors"/> pieces (<paramref name="offered"/> bytes).</summary>
    private unsafe long Send(in ReadOnlySequence<byte> data, out long offered)
    {
        var added = false;
        offered = 0;
        try
        {
            _handle.DangerousAddRef(ref added);
            if (data.IsSingleSegment)
            {
                offered = data.Length;
                return EpollNative.Send(_fd, data.FirstSpan);
            }
            var vectors = stackalloc EpollNative.IoVector[MaxVectors];
            var handles = t_pins ??= new MemoryHandle[MaxVectors];
            var count = 0;
            try
            {
                foreach (var segment in data)
                {
                    if (segment.IsEmpty) continue;
                    handles[count] = segment.Pin();
                    vectors[count] = new EpollNative.IoVector { Base = (byte*)handles[count].Pointer, Length = (nuint)segment.Length };
                    offered += segment.Length;
                    if (++count == MaxVectors) break;
                }
                return EpollNative.SendVectors(_fd, vectors, count);
            }
            finally
            {
                for (var i = 0; i < count; i++)
                {
                    handles[i].Dispose();
                    handles[i] = default;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            return -9;
        }
        finally
        {
            if (added) _handle.DangerousRelease();
        }
    }

    /// <summary>The native sockaddr_in / sockaddr_in6 of an endpoint.</summary>
    private static byte[] SocketAddressOf(IPEndPoint endPoint)
    {
        if (endPoint.AddressFamily == AddressFamily.InterNetwork)
        {
            var v4 = new byte[16];
            BinaryPrimitives.WriteUInt16LittleEndian(v4, 2);
            BinaryPrimitives.WriteUInt16BigEndian(v4.AsSpan(2), (ushort)endPoint.Port);
            endPoint.Address.TryWriteBytes(v4.AsSpan(4), out _);
            return v4;
        }
        var v6 = new byte[28];
        BinaryPrimitives.WriteUInt16LittleEndian(v6, 10);
        BinaryPrimitives.WriteUInt16BigEndian(v6.AsSpan(2), (ushort)endPoint.Port);
        endPoint.Address.TryWriteBytes(v6.AsSpan(8), out _);
        BinaryPrimitives.WriteUInt32LittleEndian(v6.AsSpan(24), (uint)endPoint.Address.ScopeId);
        return v6;
    }

    /// <summary>The send side's completion source (a socket has one of each side in flight).</summary>
    private sealed class WriteSource(EpollSocket owner) : IValueTaskSource
    {
        public void GetResult(short token) => owner._write.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => owner._write.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            owner._write.OnCompleted(continuation, state, token, flags);
    }
}
