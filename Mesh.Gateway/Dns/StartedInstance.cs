using System.Net;

namespace Mesh.Gateway.Dns;

/// <summary>An instance the internal zone answers with: started, with a private address.</summary>
public sealed record StartedInstance(string Id, string App, string Region, IPAddress Address);
