namespace Mesh.Gateway.Protocols;

/// <summary>
/// What the first client message on a Postgres connection asks for (PostgreSQL protocol docs,
/// "Message Flow: Start-up" and "Message Formats").
/// </summary>
public enum PostgresStartKind
{
    /// <summary>Nothing detected yet (the result was not <see cref="PeekResult.Parsed"/>).</summary>
    None,
    /// <summary>SSLRequest: answer one byte, 'S' to start TLS or 'N' to stay plaintext.</summary>
    SslRequest,
    /// <summary>GSSENCRequest: answer 'N' when GSSAPI encryption is not offered.</summary>
    GssEncRequest,
    /// <summary>CancelRequest on a fresh connection, naming a backend by process id and secret key.</summary>
    CancelRequest,
    /// <summary>A plaintext StartupMessage (protocol 3.x).</summary>
    Startup,
    /// <summary>PostgreSQL 17 direct TLS: the client opened with a TLS record and must offer ALPN "postgresql".</summary>
    DirectTls,
}
