using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Mesh.Gateway.Protocols;
using Mesh.Gateway.Telemetry;

namespace Mesh.Gateway.Connections;

/// <summary>
/// Which instance holds which Postgres session, so a CancelRequest (which arrives on a new
/// connection carrying only the backend's process id and secret) reaches that instance and not
/// whichever one the picker would choose (fly-reference §0.11). Learned from the BackendKeyData
/// message the instance sends at session start; forgotten when the session's connection ends.
/// </summary>
public sealed class PostgresSessions(GatewayMetrics metrics)
{
    private readonly ConcurrentDictionary<(int Pid, string Secret), string> _sessions = new();

    public void Add(int processId, byte[] secret, string instanceAddress) =>
        _sessions[(processId, Convert.ToHexString(secret))] = instanceAddress;

    public void Remove(int processId, byte[] secret) => _sessions.TryRemove((processId, Convert.ToHexString(secret)), out _);

    /// <summary>Sends the cancel packet, as received, to the instance holding the session; false when no session matches.</summary>
    public async Task<bool> ForwardCancelAsync(PostgresStart cancel, ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        if (cancel.SecretKey is null || !_sessions.TryGetValue((cancel.ProcessId, Convert.ToHexString(cancel.SecretKey)), out var address)
            || !IPEndPoint.TryParse(address, out var endpoint))
        {
            metrics.Error("pg_cancel_unknown");
            return false;
        }
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endpoint, cancellationToken);
        await socket.SendAsync(packet, SocketFlags.None, cancellationToken);
        socket.Shutdown(SocketShutdown.Send);
        metrics.Count("pg_cancel_forwarded");
        return true;
    }
}
