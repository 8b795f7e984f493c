using System.Buffers;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Gateway.Http;

/// <summary>
/// HTTP/1.1 and h2c (prior knowledge) on one cleartext port. Kestrel picks HTTP/1 whenever a
/// connection has no TLS, so this stage peeks at the first 24 bytes (never consuming them) and,
/// on the HTTP/2 preface (RFC 9113 §3.4), sets stub TLS/ALPN features that make Kestrel pick
/// HTTP/2 (kestrel-listeners notes, G1). The peek is bounded by the handshake timeout.
/// </summary>
public static class H2cSniffMiddleware
{
    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    public static Func<ConnectionDelegate, ConnectionDelegate> Create(TimeSpan timeout) => next => async connection =>
    {
        var input = connection.Transport.Input;
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            System.IO.Pipelines.ReadResult result;
            try
            {
                result = await input.ReadAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var buffer = result.Buffer;
            var length = (int)Math.Min(buffer.Length, Preface.Length);
            var head = buffer.Slice(0, length).ToArray();
            var isPrefix = head.AsSpan().SequenceEqual(Preface.AsSpan(0, length));
            if (!isPrefix || length == Preface.Length || result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start);
                if (isPrefix && length == Preface.Length)
                {
                    connection.Features.Set<ITlsConnectionFeature>(new CleartextH2());
                    connection.Features.Set<ITlsApplicationProtocolFeature>(new CleartextH2());
                }
                break;
            }
            input.AdvanceTo(buffer.Start, buffer.End);
        }
        await next(connection);
    };

    private sealed class CleartextH2 : ITlsConnectionFeature, ITlsApplicationProtocolFeature
    {
        public X509Certificate2? ClientCertificate { get; set; }

        public ReadOnlyMemory<byte> ApplicationProtocol => "h2"u8.ToArray();

        public Task<X509Certificate2?> GetClientCertificateAsync(CancellationToken cancellationToken) => Task.FromResult<X509Certificate2?>(null);
    }
}
