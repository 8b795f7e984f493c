using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Gateway.Connections;
using static Mesh.Gateway.Tls.OpenSsl;

namespace Mesh.Gateway.Tls;

/// <summary>
/// The OpenSSL contexts <see cref="NativeTlsConnection"/> handshakes with: one base context every
/// connection starts on (options, read-ahead, the ClientHello callback that chooses, the session
/// ticket keys), and one context per certificate context, built on first use and freed with it.
/// </summary>
/// <remarks>
/// A certificate whose leaf names an OCSP responder gets no native context: .NET's context fetches
/// and staples its OCSP response, which OpenSSL would not, so those handshakes stay on SslStream
/// (the connection falls back before anything is written). So does a certificate whose key cannot
/// be exported into OpenSSL.
/// </remarks>
internal static unsafe class NativeTlsContexts
{
    private static readonly ConditionalWeakTable<SslStreamCertificateContext, CertificateContext> Certificates = [];
    private static readonly Lazy<nint> BaseContext = new(CreateBase);

    /// <summary>Whether libssl can be called here (it is the library SslStream itself uses on Linux).</summary>
    public static bool IsAvailable { get; } = Probe();

    /// <summary>The context every connection starts on; freed never (one per process).</summary>
    public static nint Base => BaseContext.Value;

    /// <summary>The native context of a certificate context, or null when its handshakes must stay on SslStream.</summary>
    public static CertificateContext? For(SslStreamCertificateContext context)
    {
        var held = Certificates.GetValue(context, static c => CertificateContext.Build(c));
        return held.Handle == 0 ? null : held;
    }

    private static bool Probe()
    {
        try
        {
            return OperatingSystem.IsLinux() && TLS_server_method() != 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    private static nint CreateBase()
    {
        var ctx = SSL_CTX_new(TLS_server_method());
        if (ctx == 0) throw new InvalidOperationException("SSL_CTX_new failed: " + TakeError());
        // A client that closes without close_notify ends the stream (as SslStream reads it); no
        // renegotiation (TLS 1.2 clients asking get refused), no compression (CRIME).
        SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
        // Idle connections give their record buffers back; read-ahead fills the buffer in one read
        // instead of a read for the record header and one for its body.
        SSL_CTX_ctrl(ctx, SSL_CTRL_MODE, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, 0);
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_READ_AHEAD, 1, 0);
        SSL_CTX_ctrl(ctx, SSL_CTRL_SET_MIN_PROTO_VERSION, TLS1_2_VERSION, 0);
        SSL_CTX_set_client_hello_cb(ctx, &NativeTlsConnection.OnClientHello, 0);
        SSL_CTX_set_alpn_select_cb(ctx, &NativeTlsConnection.OnAlpn, 0);
        return ctx;
    }

    /// <summary>One certificate (its chain and key) in an OpenSSL context; the context is freed when the certificate context is collected.</summary>
    internal sealed class CertificateContext
    {
        private CertificateContext(nint handle, byte[] sessionContext)
        {
            Handle = handle;
            SessionContext = sessionContext;
        }

        public nint Handle { get; private set; }

        /// <summary>
        /// The session id context of the certificate's sessions (the leaf's SHA-256): every context
        /// shares the base context's ticket keys, and OpenSSL resumes a session only in the context it
        /// was made in, so a ticket from one app's certificate never resumes on another's.
        /// </summary>
        public byte[] SessionContext { get; }

        ~CertificateContext()
        {
            if (Handle != 0) SSL_CTX_free(Handle);
            Handle = 0;
        }

        public static CertificateContext Build(SslStreamCertificateContext context)
        {
            var leaf = context.TargetCertificate;
            var sessionContext = SHA256.HashData(leaf.RawData);
            if (CertificateCache.NamesOcspResponder(leaf)) return new CertificateContext(0, sessionContext);
            byte[]? key = null;
            var ctx = SSL_CTX_new(TLS_server_method());
            try
            {
                if (ctx == 0) return new CertificateContext(0, sessionContext);
                key = ExportKey(leaf);
                if (key is null || !UseCertificate(ctx, leaf.RawData) || !UseKey(ctx, key)) return Fail(ref ctx, sessionContext);
                foreach (var intermediate in context.IntermediateCertificates)
                {
                    if (!AddChain(ctx, intermediate.RawData)) return Fail(ref ctx, sessionContext);
                }
                if (SSL_CTX_check_private_key(ctx) != 1) return Fail(ref ctx, sessionContext);
                fixed (byte* id = sessionContext) SSL_CTX_set_session_id_context(ctx, id, (uint)sessionContext.Length);
                SSL_CTX_set_alpn_select_cb(ctx, &NativeTlsConnection.OnAlpn, 0);
                var built = new CertificateContext(ctx, sessionContext);
                ctx = 0;
                return built;
            }
            finally
            {
                if (key is not null) CryptographicOperations.ZeroMemory(key);
                if (ctx != 0) SSL_CTX_free(ctx);
            }
        }

        private static CertificateContext Fail(ref nint ctx, byte[] sessionContext)
        {
            ERR_clear_error();
            SSL_CTX_free(ctx);
            ctx = 0;
            return new CertificateContext(0, sessionContext);
        }

        private static byte[]? ExportKey(X509Certificate2 leaf)
        {
            try
            {
                using var rsa = leaf.GetRSAPrivateKey();
                if (rsa is not null) return rsa.ExportPkcs8PrivateKey();
                using var ecdsa = leaf.GetECDsaPrivateKey();
                return ecdsa?.ExportPkcs8PrivateKey();
            }
            catch (CryptographicException)
            {
                return null;
            }
        }

        private static bool UseCertificate(nint ctx, byte[] der)
        {
            var x509 = ParseCertificate(der);
            if (x509 == 0) return false;
            try
            {
                return SSL_CTX_use_certificate(ctx, x509) == 1;
            }
            finally
            {
                X509_free(x509);
            }
        }

        private static bool AddChain(nint ctx, byte[] der)
        {
            var x509 = ParseCertificate(der);
            if (x509 == 0) return false;
            try
            {
                // SSL_CTX_add1_chain_cert: the context takes its own reference.
                return SSL_CTX_ctrl(ctx, SSL_CTRL_CHAIN_CERT, 1, x509) == 1;
            }
            finally
            {
                X509_free(x509);
            }
        }

        private static bool UseKey(nint ctx, byte[] pkcs8)
        {
            nint pkey;
            fixed (byte* start = pkcs8)
            {
                var p = start;
                pkey = d2i_AutoPrivateKey(0, &p, pkcs8.Length);
            }
            if (pkey == 0) return false;
            try
            {
                return SSL_CTX_use_PrivateKey(ctx, pkey) == 1;
            }
            finally
            {
                EVP_PKEY_free(pkey);
            }
        }

        private static nint ParseCertificate(byte[] der)
        {
            fixed (byte* start = der)
            {
                var p = start;
                return d2i_X509(0, &p, der.Length);
            }
        }
    }

    /// <summary>ALPN lists in OpenSSL's wire form (length-prefixed names), interned: OpenSSL's selection points into them after the call.</summary>
    internal static class AlpnWire
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, nint> Lists = new(StringComparer.Ordinal);
        // The selector's default lists are the same objects every handshake: looked up without building the wire form.
        private static readonly ConditionalWeakTable<List<SslApplicationProtocol>, Tuple<nint, int>> Known = [];

        /// <summary>The wire form of a list (a handful of distinct lists per gateway; never freed).</summary>
        public static (nint Pointer, int Length) For(List<SslApplicationProtocol>? protocols)
        {
            if (protocols is not { Count: > 0 }) return (0, 0);
            if (Known.TryGetValue(protocols, out var known)) return (known.Item1, known.Item2);
            var made = Intern(protocols);
            Known.AddOrUpdate(protocols, Tuple.Create(made.Pointer, made.Length));
            return made;
        }

        private static (nint Pointer, int Length) Intern(List<SslApplicationProtocol> protocols)
        {
            var length = 0;
            foreach (var p in protocols) length += 1 + p.Protocol.Length;
            var wire = new byte[length];
            var at = 0;
            foreach (var p in protocols)
            {
                wire[at++] = (byte)p.Protocol.Length;
                p.Protocol.Span.CopyTo(wire.AsSpan(at));
                at += p.Protocol.Length;
            }
            var key = Convert.ToBase64String(wire);
            var pointer = Lists.GetOrAdd(key, static (_, w) =>
            {
                var native = (nint)NativeMemory.Alloc((nuint)w.Length);
                w.CopyTo(new Span<byte>((void*)native, w.Length));
                return native;
            }, wire);
            return (pointer, length);
        }
    }
}
