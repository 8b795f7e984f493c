using System.Runtime.InteropServices;

namespace Mesh.Gateway.Tls;

/// <summary>
/// The few libssl/libcrypto calls <see cref="NativeTlsConnection"/> makes: the OpenSSL 3 the runtime
/// itself loads for SslStream (Debian's libssl.so.3). Macros of the C API (SSL_CTX_set_mode,
/// BIO_get_mem_data, ...) are their ctrl calls with the constants from ssl.h and bio.h.
/// </summary>
internal static unsafe partial class OpenSsl
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    public const int SSL_ERROR_NONE = 0;
    public const int SSL_ERROR_SSL = 1;
    public const int SSL_ERROR_WANT_READ = 2;
    public const int SSL_ERROR_WANT_WRITE = 3;
    public const int SSL_ERROR_SYSCALL = 5;
    public const int SSL_ERROR_ZERO_RETURN = 6;

    public const ulong SSL_OP_IGNORE_UNEXPECTED_EOF = 1UL << 7;
    public const ulong SSL_OP_NO_COMPRESSION = 1UL << 17;
    public const ulong SSL_OP_NO_RENEGOTIATION = 1UL << 30;
    public const ulong SSL_OP_CIPHER_SERVER_PREFERENCE = 1UL << 22;

    public const long SSL_MODE_ENABLE_PARTIAL_WRITE = 0x1;
    public const long SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER = 0x2;
    public const long SSL_MODE_RELEASE_BUFFERS = 0x10;

    public const int SSL_CTRL_MODE = 33;
    public const int SSL_CTRL_SET_READ_AHEAD = 41;
    public const int SSL_CTRL_CHAIN_CERT = 89;
    public const int SSL_CTRL_SET_MIN_PROTO_VERSION = 123;
    public const int SSL_CTRL_SET_MAX_PROTO_VERSION = 124;

    public const int BIO_CTRL_RESET = 1;
    public const int BIO_CTRL_INFO = 3;
    public const int BIO_NOCLOSE = 0;

    public const int TLS1_2_VERSION = 0x0303;
    public const int TLS1_3_VERSION = 0x0304;

    public const int SSL_CLIENT_HELLO_SUCCESS = 1;
    public const int SSL_CLIENT_HELLO_ERROR = 0;
    public const int SSL_TLSEXT_ERR_OK = 0;
    public const int SSL_TLSEXT_ERR_ALERT_FATAL = 2;
    public const int SSL_TLSEXT_ERR_NOACK = 3;
    public const int OPENSSL_NPN_NEGOTIATED = 1;
    public const int TLSEXT_TYPE_server_name = 0;

    [LibraryImport(Ssl)]
    public static partial nint TLS_server_method();

    [LibraryImport(Ssl)]
    public static partial nint SSL_CTX_new(nint method);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_free(nint ctx);

    [LibraryImport(Ssl)]
    public static partial ulong SSL_CTX_set_options(nint ctx, ulong options);

    [LibraryImport(Ssl)]
    public static partial long SSL_CTX_ctrl(nint ctx, int cmd, long larg, nint parg);

    [LibraryImport(Ssl)]
    public static partial int SSL_CTX_use_certificate(nint ctx, nint x509);

    [LibraryImport(Ssl)]
    public static partial int SSL_CTX_use_PrivateKey(nint ctx, nint pkey);

    [LibraryImport(Ssl)]
    public static partial int SSL_CTX_check_private_key(nint ctx);

    [LibraryImport(Ssl)]
    public static partial int SSL_CTX_set_session_id_context(nint ctx, byte* context, uint length);

    [LibraryImport(Ssl)]
    public static partial int SSL_set_session_id_context(nint ssl, byte* context, uint length);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_set_client_hello_cb(nint ctx, delegate* unmanaged<nint, int*, nint, int> callback, nint arg);

    [LibraryImport(Ssl)]
    public static partial void SSL_CTX_set_alpn_select_cb(nint ctx, delegate* unmanaged<nint, byte**, byte*, byte*, uint, nint, int> callback, nint arg);

    [LibraryImport(Ssl)]
    public static partial int SSL_select_next_proto(byte** output, byte* outputLength, byte* server, uint serverLength, byte* client, uint clientLength);

    [LibraryImport(Ssl)]
    public static partial int SSL_client_hello_get0_ext(nint ssl, uint type, byte** output, nuint* outputLength);

    [LibraryImport(Ssl)]
    public static partial nint SSL_new(nint ctx);

    [LibraryImport(Ssl)]
    public static partial void SSL_free(nint ssl);

    [LibraryImport(Ssl)]
    public static partial nint SSL_set_SSL_CTX(nint ssl, nint ctx);

    [LibraryImport(Ssl)]
    public static partial long SSL_ctrl(nint ssl, int cmd, long larg, nint parg);

    [LibraryImport(Ssl)]
    public static partial void SSL_set_bio(nint ssl, nint readBio, nint writeBio);

    [LibraryImport(Ssl)]
    public static partial void SSL_set0_rbio(nint ssl, nint readBio);

    [LibraryImport(Ssl)]
    public static partial void SSL_set_accept_state(nint ssl);

    [LibraryImport(Ssl)]
    public static partial int SSL_set_ex_data(nint ssl, int index, nint data);

    [LibraryImport(Ssl)]
    public static partial nint SSL_get_ex_data(nint ssl, int index);

    [LibraryImport(Ssl)]
    public static partial int SSL_do_handshake(nint ssl);

    [LibraryImport(Ssl)]
    public static partial int SSL_read(nint ssl, byte* buffer, int length);

    [LibraryImport(Ssl)]
    public static partial int SSL_write(nint ssl, byte* buffer, int length);

    [LibraryImport(Ssl)]
    public static partial int SSL_has_pending(nint ssl);

    [LibraryImport(Ssl)]
    public static partial int SSL_get_error(nint ssl, int result);

    [LibraryImport(Ssl)]
    public static partial int SSL_version(nint ssl);

    [LibraryImport(Ssl)]
    public static partial nint SSL_get_current_cipher(nint ssl);

    [LibraryImport(Ssl)]
    public static partial uint SSL_CIPHER_get_protocol_id(nint cipher);

    [LibraryImport(Ssl)]
    public static partial void SSL_get0_alpn_selected(nint ssl, byte** data, uint* length);

    [LibraryImport(Crypto)]
    public static partial nint BIO_s_mem();

    [LibraryImport(Crypto)]
    public static partial nint BIO_new(nint method);

    [LibraryImport(Crypto)]
    public static partial nint BIO_new_socket(int fd, int closeFlag);

    [LibraryImport(Crypto)]
    public static partial long BIO_ctrl(nint bio, int cmd, long larg, nint parg);

    [LibraryImport(Crypto)]
    public static partial nuint BIO_ctrl_pending(nint bio);

    [LibraryImport(Crypto)]
    public static partial int BIO_read(nint bio, byte* buffer, int length);

    [LibraryImport(Crypto)]
    public static partial int BIO_write(nint bio, byte* buffer, int length);

    [LibraryImport(Crypto)]
    public static partial nint d2i_X509(nint reuse, byte** input, long length);

    [LibraryImport(Crypto)]
    public static partial void X509_free(nint x509);

    [LibraryImport(Crypto)]
    public static partial nint d2i_AutoPrivateKey(nint reuse, byte** input, long length);

    [LibraryImport(Crypto)]
    public static partial void EVP_PKEY_free(nint pkey);

    [LibraryImport(Crypto)]
    public static partial void ERR_clear_error();

    [LibraryImport(Crypto)]
    public static partial ulong ERR_get_error();

    [LibraryImport(Crypto)]
    public static partial void ERR_error_string_n(ulong error, byte* buffer, nuint length);

    /// <summary>The oldest error on this thread's queue as text (and the queue emptied), or null.</summary>
    public static string? TakeError()
    {
        var code = ERR_get_error();
        ERR_clear_error();
        if (code == 0) return null;
        var text = stackalloc byte[256];
        ERR_error_string_n(code, text, 256);
        return Marshal.PtrToStringUTF8((nint)text);
    }
}
