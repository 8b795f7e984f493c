using System.Net;

namespace Mesh.Gateway.Routing;

/// <summary>A socket the gateway listens on: an address (or the any-address in wildcard mode) and a port.</summary>
public readonly record struct ListenerKey(IPAddress Address, int Port)
{
    public override string ToString() => new IPEndPoint(Address, Port).ToString();
}
