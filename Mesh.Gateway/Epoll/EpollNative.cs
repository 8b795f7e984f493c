using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Epoll;

/// <summary>
/// The libc calls of the gateway's own socket loop (<see cref="EpollLoop"/>): epoll, and the
/// non-blocking receive, send, sendmsg and connect it drives. Every call returns its result or
/// −errno, so the callers branch on EAGAIN without an exception.
/// </summary>
internal static unsafe partial class EpollNative
{
    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int EINPROGRESS = 115;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 0x80000000;

    private const int EPOLL_CLOEXEC = 0x80000;
    private const int EPOLL_CTL_ADD = 1;
    private const int EPOLL_CTL_DEL = 2;
    private const int MSG_DONTWAIT = 0x40;
    private const int MSG_NOSIGNAL = 0x4000;
    private const int SOL_SOCKET = 1;
    private const int SO_ERROR = 4;

    /// <summary>struct epoll_event is packed on x86-64 (12 bytes), naturally aligned elsewhere (16).</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    public static bool Supported { get; } = OperatingSystem.IsLinux() &&
        RuntimeInformation.ProcessArchitecture is Architecture.X64 or Architecture.Arm64;

    /// <summary>Whether HTTP connections (accepted, and the fast path's to apps) use the loop: <c>Mesh:Gateway:EpollSockets</c>, read once at start.</summary>
    public static bool Enabled { get; set; }

    [StructLayout(LayoutKind.Sequential)]
    public struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epfd, byte* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int Connect(int fd, byte* address, uint length);

    [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
    private static partial int GetSockOpt(int fd, int level, int name, int* value, uint* length);

    public static int Create()
    {
        var fd = EpollCreate1(EPOLL_CLOEXEC);
        if (fd < 0) throw new SocketException((int)ToSocketError(Marshal.GetLastPInvokeError()));
        return fd;
    }

    public static int Add(int epfd, int fd, uint events, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        return EpollCtl(epfd, EPOLL_CTL_ADD, fd, ev) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    public static void Remove(int epfd, int fd)
    {
        var ev = stackalloc byte[16];
        _ = EpollCtl(epfd, EPOLL_CTL_DEL, fd, ev);
    }

    /// <summary>Ready events written to <paramref name="events"/>, or −errno.</summary>
    public static int Wait(int epfd, byte* events, int maxEvents) =>
        EpollWait(epfd, events, maxEvents, -1) is var n && n >= 0 ? n : -Marshal.GetLastPInvokeError();

    public static uint EventsAt(byte* events, int index) => *(uint*)(events + (index * EventSize));

    public static ulong DataAt(byte* events, int index) => *(ulong*)(events + (index * EventSize) + DataOffset);

    public static long Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var n = Recv(fd, p, (nuint)buffer.Length, MSG_DONTWAIT);
            return n >= 0 ? n : -Marshal.GetLastPInvokeError();
        }
    }

    public static long Send(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            var n = Send(fd, p, (nuint)data.Length, MSG_DONTWAIT | MSG_NOSIGNAL);
            return n >= 0 ? n : -Marshal.GetLastPInvokeError();
        }
    }

    public static long SendVectors(int fd, IoVector* vectors, int count)
    {
        var message = new MessageHeader { Vectors = vectors, VectorCount = (nuint)count };
        var n = SendMsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
        return n >= 0 ? n : -Marshal.GetLastPInvokeError();
    }

    /// <summary>0 when connected, −EINPROGRESS while the handshake runs, other −errno on failure.</summary>
    public static int Connect(int fd, ReadOnlySpan<byte> sockaddr)
    {
        fixed (byte* p = sockaddr)
        {
            return Connect(fd, p, (uint)sockaddr.Length) == 0 ? 0 : -Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>The pending error of a socket (SO_ERROR): 0 once a non-blocking connect succeeded.</summary>
    public static int PendingError(int fd)
    {
        int value = 0;
        uint length = sizeof(int);
        return GetSockOpt(fd, SOL_SOCKET, SO_ERROR, &value, &length) == 0 ? value : Marshal.GetLastPInvokeError();
    }

    /// <summary>The SocketError callers already handle for the errno a call failed with.</summary>
    public static SocketError ToSocketError(int errno) => errno switch
    {
        104 => SocketError.ConnectionReset,
        111 => SocketError.ConnectionRefused,
        110 => SocketError.TimedOut,
        113 => SocketError.HostUnreachable,
        101 => SocketError.NetworkUnreachable,
        99 => SocketError.AddressNotAvailable,
        32 => SocketError.Shutdown,
        107 => SocketError.NotConnected,
        103 => SocketError.ConnectionAborted,
        9 => SocketError.OperationAborted,
        24 or 23 => SocketError.TooManyOpenSockets,
        EAGAIN => SocketError.WouldBlock,
        EINPROGRESS => SocketError.InProgress,
        _ => SocketError.SocketError,
    };
}
