using System.Runtime.InteropServices;

namespace Mesh.Gateway.Connections;

/// <summary>
/// The few libc calls a zero-copy socket-to-socket copy needs: <c>splice(2)</c> moves bytes
/// between a socket and a pipe inside the kernel, so pass-through bytes are never copied into
/// the process. Every call here is non-blocking (the sockets are O_NONBLOCK, the pipes are made
/// O_NONBLOCK and every splice passes SPLICE_F_NONBLOCK): when a call would block it returns
/// EAGAIN and the caller waits through .NET's socket engine instead.
/// </summary>
internal static partial class LinuxSplice
{
    public const int EAGAIN = 11;
    public const uint SPLICE_F_MOVE = 1;
    public const uint SPLICE_F_NONBLOCK = 2;
    private const int O_NONBLOCK = 0x800;
    private const int O_CLOEXEC = 0x80000;
    private const int F_SETPIPE_SZ = 1031;
    private const int F_GETPIPE_SZ = 1032;
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;

    public static bool Supported { get; } = OperatingSystem.IsLinux();

    [LibraryImport("libc", EntryPoint = "splice", SetLastError = true)]
    private static partial nint Splice(int fdIn, nint offIn, int fdOut, nint offOut, nuint length, uint flags);

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static unsafe partial int Pipe2(int* fds, int flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static unsafe partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>
    /// Makes a socket's descriptor O_NONBLOCK, as .NET's socket engine keeps it anyway once it has
    /// run an asynchronous operation on it; done here at the descriptor so that the Socket's own
    /// (user-visible) blocking mode is left as it is.
    /// </summary>
    public static void EnsureNonBlocking(int fd)
    {
        var flags = Fcntl(fd, F_GETFL, 0);
        if (flags >= 0 && (flags & O_NONBLOCK) == 0) _ = Fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    }

    /// <summary>Bytes moved, 0 at end of input, or −errno.</summary>
    public static long Move(int from, int to, int length)
    {
        var moved = Splice(from, 0, to, 0, (nuint)length, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
        return moved >= 0 ? moved : -Marshal.GetLastPInvokeError();
    }

    /// <summary>
    /// A non-blocking pipe (read end, write end, capacity) asked to hold <paramref name="size"/>
    /// bytes, or null when none can be made (out of descriptors).
    /// </summary>
    public static unsafe (int Read, int Write, int Capacity)? OpenPipe(int size)
    {
        var fds = stackalloc int[2];
        if (Pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) return null;
        // Best effort: a larger pipe moves more per call; the default (64 KiB) still works.
        var capacity = Fcntl(fds[1], F_SETPIPE_SZ, size);
        if (capacity <= 0) capacity = Fcntl(fds[1], F_GETPIPE_SZ, 0);
        return (fds[0], fds[1], capacity > 0 ? capacity : 65536);
    }

    /// <summary>Reads what a pipe holds into <paramref name="buffer"/>: bytes read, or −errno.</summary>
    public static unsafe long ReadPipe(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            var read = Read(fd, p, (nuint)buffer.Length);
            return read >= 0 ? read : -Marshal.GetLastPInvokeError();
        }
    }

    public static void ClosePipe(int read, int write)
    {
        _ = Close(read);
        _ = Close(write);
    }
}
