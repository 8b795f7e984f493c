namespace Mesh.Gateway.Udp;

/// <summary>
/// One flow on one listener socket: the client's address and port, and the address it dialled
/// (a wildcard socket receives for many). IPv4 addresses as their 4 network-order bytes read as
/// one number, so a datagram's key is built from its socket address without allocating.
/// </summary>
public readonly record struct UdpFlowKey(uint Local, uint ClientAddress, ushort ClientPort);
