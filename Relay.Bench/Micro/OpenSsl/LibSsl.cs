using System.Runtime.InteropServices;

namespace Relay.Bench.Micro.OpenSsl;

/// <summary>
/// The few libssl/libcrypto 3 calls the direct-OpenSSL record benchmark needs: the same library
/// SslStream uses on Linux, called without SslStream in between. Measurement only; the daemon
/// never loads this.
/// </summary>
internal static unsafe partial class LibSsl
{
    private const string Ssl = "libssl.so.3";
    private const string Crypto = "libcrypto.so.3";

    public const int SslErrorWantRead = 2;
    public const int SslErrorZeroReturn = 6;

    private const int CtrlChainCert = 89;
    private const int CtrlSetMinProtoVersion = 123;
    private const int Tls13Version = 0x0304;
    private const int VerifyPeer = 0x01;
    private const int VerifyFailIfNoPeerCert = 0x02;

    public static void RequireTls13(nint ctx) => SSL_CTX_ctrl(ctx, CtrlSetMinProtoVersion, Tls13Version, 0);

    /// <summary>Adds an intermediate to the chain the context sends (the context takes its own reference).</summary>
    public static void AddChainCertificate(nint ctx, nint x509) => SSL_CTX_ctrl(ctx, CtrlChainCert, 1, x509);

    public static void RequirePeerCertificate(nint ctx) => SSL_CTX_set_verify(ctx, VerifyPeer | VerifyFailIfNoPeerCert, 0);

    /// <summary>Parses DER into an X509*; the caller owns it.</summary>
    public static nint ParseCertificate(ReadOnlySpan<byte> der)
    {
        fixed (byte* start = der)
        {
            var p = start;
            var x509 = d2i_X509(0, &p, der.Length);
            return x509 != 0 ? x509 : throw new InvalidOperationException("d2i_X509 failed");
        }
    }

    /// <summary>Parses PKCS#8 DER into an EVP_PKEY*; the caller owns it.</summary>
    public static nint ParsePrivateKey(ReadOnlySpan<byte> der)
    {
        fixed (byte* start = der)
        {
            var p = start;
            var key = d2i_AutoPrivateKey(0, &p, der.Length);
            return key != 0 ? key : throw new InvalidOperationException("d2i_AutoPrivateKey failed");
        }
    }

    public static int Read(nint ssl, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return SSL_read(ssl, p, buffer.Length);
        }
    }

    public static int Write(nint ssl, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return SSL_write(ssl, p, data.Length);
        }
    }

    public static int BioRead(nint bio, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return BIO_read(bio, p, buffer.Length);
        }
    }

    public static int BioWrite(nint bio, ReadOnlySpan<byte> data)
    {
        fixed (byte* p = data)
        {
            return BIO_write(bio, p, data.Length);
        }
    }

    [LibraryImport(Ssl)] public static partial nint TLS_method();
    [LibraryImport(Ssl)] public static partial nint SSL_CTX_new(nint method);
    [LibraryImport(Ssl)] public static partial void SSL_CTX_free(nint ctx);
    [LibraryImport(Ssl)] private static partial long SSL_CTX_ctrl(nint ctx, int cmd, long larg, nint parg);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_use_certificate(nint ctx, nint x509);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_use_PrivateKey(nint ctx, nint key);
    [LibraryImport(Ssl)] public static partial int SSL_CTX_check_private_key(nint ctx);
    [LibraryImport(Ssl)] public static partial nint SSL_CTX_get_cert_store(nint ctx);
    [LibraryImport(Ssl)] private static partial void SSL_CTX_set_verify(nint ctx, int mode, nint callback);
    [LibraryImport(Ssl)] public static partial nint SSL_new(nint ctx);
    [LibraryImport(Ssl)] public static partial void SSL_free(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_set_connect_state(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_set_accept_state(nint ssl);
    [LibraryImport(Ssl)] public static partial void SSL_set_bio(nint ssl, nint rbio, nint wbio);
    [LibraryImport(Ssl)] public static partial int SSL_do_handshake(nint ssl);
    [LibraryImport(Ssl)] public static partial int SSL_get_error(nint ssl, int ret);
    [LibraryImport(Ssl)] public static partial long SSL_get_verify_result(nint ssl);
    [LibraryImport(Ssl)] private static partial int SSL_read(nint ssl, byte* buffer, int length);
    [LibraryImport(Ssl)] private static partial int SSL_write(nint ssl, byte* data, int length);
    [LibraryImport(Crypto)] private static partial nint d2i_X509(nint reuse, byte** cursor, long length);
    [LibraryImport(Crypto)] public static partial void X509_free(nint x509);
    [LibraryImport(Crypto)] public static partial int X509_STORE_add_cert(nint store, nint x509);
    [LibraryImport(Crypto)] private static partial nint d2i_AutoPrivateKey(nint reuse, byte** cursor, long length);
    [LibraryImport(Crypto)] public static partial void EVP_PKEY_free(nint key);
    [LibraryImport(Crypto)] public static partial nint BIO_s_mem();
    [LibraryImport(Crypto)] public static partial nint BIO_new(nint method);
    [LibraryImport(Crypto)] private static partial int BIO_read(nint bio, byte* buffer, int length);
    [LibraryImport(Crypto)] private static partial int BIO_write(nint bio, byte* data, int length);
}
