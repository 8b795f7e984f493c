using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Gateway.Udp;

/// <summary>
/// Sends a datagram from a wildcard-bound socket with a chosen source address: <c>sendmsg</c>
/// with an <c>IP_PKTINFO</c> control message whose <c>ipi_spec_dst</c> is the address the client
/// dialled (ip(7)). A reply from any other address of the host would be dropped by a client
/// whose socket is connected to the address it dialled (dig, most resolvers, QUIC). .NET offers
/// packet information on receive only, hence the call. Linux, x86-64/arm64 layouts.
/// </summary>
internal static unsafe partial class PacketInfoSender
{
    private const int IpProtoIp = 0;
    private const int IpPktInfo = 8;
    private const int MsgDontWait = 0x40;
    // CMSG_SPACE(sizeof(struct in_pktinfo)) = 16-byte header + 12 bytes padded to 8.
    private const int ControlSize = 32;
    private const int ControlLength = 16 + 12;

    [StructLayout(LayoutKind.Sequential)]
    private struct MsgHdr
    {
        public void* Name;
        public uint NameLength;
        public IoVec* Iov;
        public nuint IovLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct IoVec
    {
        public void* Base;
        public nuint Length;
    }

    [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
    private static partial nint SendMsg(nint socket, MsgHdr* message, int flags);

    /// <summary>
    /// Sends <paramref name="payload"/> to <paramref name="destination"/> from <paramref name="source"/>
    /// (an IPv4 address as its 4 network-order bytes read as one number, see <see cref="UdpTable.Key"/>).
    /// Never blocks: a full send buffer is a failure (the datagram is dropped, as the network would).
    /// Returns 0, or the errno of the failure.
    /// </summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> payload, uint source, SocketAddress destination)
    {
        var control = stackalloc byte[ControlSize];
        new Span<byte>(control, ControlSize).Clear();
        *(nuint*)control = ControlLength;
        *(int*)(control + 8) = IpProtoIp;
        *(int*)(control + 12) = IpPktInfo;
        // struct in_pktinfo { int ipi_ifindex; struct in_addr ipi_spec_dst; struct in_addr ipi_addr; }
        *(uint*)(control + 20) = source;

        var added = false;
        try
        {
            socket.SafeHandle.DangerousAddRef(ref added);
            fixed (byte* data = payload)
            fixed (byte* name = destination.Buffer.Span)
            {
                var iov = new IoVec { Base = data, Length = (nuint)payload.Length };
                var message = new MsgHdr
                {
                    Name = name,
                    NameLength = (uint)destination.Size,
                    Iov = &iov,
                    IovLength = 1,
                    Control = control,
                    ControlLength = ControlSize,
                };
                return SendMsg(socket.SafeHandle.DangerousGetHandle(), &message, MsgDontWait) >= 0
                    ? 0
                    : Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            if (added) socket.SafeHandle.DangerousRelease();
        }
    }
}
