namespace Mesh.Gateway.Protocols;

/// <summary>The first client message of a Postgres connection, as classified by <see cref="PostgresPreamble"/>.</summary>
/// <param name="Kind">What the client asked for.</param>
/// <param name="Length">
/// Bytes the message occupies (its Int32 length, which counts itself). 0 for
/// <see cref="PostgresStartKind.DirectTls"/>: those bytes belong to the TLS handshake, not to us.
/// </param>
/// <param name="ProcessId">Backend process id of a <see cref="PostgresStartKind.CancelRequest"/>, else 0.</param>
/// <param name="SecretKey">Secret key of a <see cref="PostgresStartKind.CancelRequest"/> (4 bytes before protocol 3.2, up to 256 after), else null.</param>
public readonly record struct PostgresStart(PostgresStartKind Kind, int Length, int ProcessId, byte[]? SecretKey);
