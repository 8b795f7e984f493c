using System.Text;

namespace Mesh.Tests.Protocols;

/// <summary>Hand-built ClientHello handshake messages (RFC 8446 §4.1.2), for the cases no real client sends.</summary>
internal static class ClientHelloBuilder
{
    /// <summary>A ClientHello with these extension blobs; null leaves out the extensions block (TLS 1.2 style).</summary>
    public static byte[] Message(byte[][]? extensions, byte[]? sessionId = null, byte[]? cipherSuites = null, byte[]? compression = null, byte[]? trailer = null)
    {
        sessionId ??= [.. Enumerable.Range(0, 32).Select(i => (byte)i)];
        cipherSuites ??= [0x13, 0x01, 0x13, 0x02, 0xC0, 0x2F];
        compression ??= [0x00];
        var body = new List<byte> { 0x03, 0x03 };
        body.AddRange(Enumerable.Repeat((byte)0x5A, 32));
        body.Add((byte)sessionId.Length);
        body.AddRange(sessionId);
        body.AddRange(U16(cipherSuites.Length));
        body.AddRange(cipherSuites);
        body.Add((byte)compression.Length);
        body.AddRange(compression);
        if (extensions is not null)
        {
            var block = extensions.SelectMany(e => e).ToArray();
            body.AddRange(U16(block.Length));
            body.AddRange(block);
        }

        body.AddRange(trailer ?? []);
        return [0x01, (byte)(body.Count >> 16), (byte)(body.Count >> 8), (byte)body.Count, .. body];
    }

    public static byte[] Message(params byte[][] extensions) => Message(extensions, sessionId: null);

    public static byte[] Extension(ushort type, byte[] data) => [.. U16(type), .. U16(data.Length), .. data];

    /// <summary>RFC 6066 §3 server_name with one entry per (type, name).</summary>
    public static byte[] ServerNameEntries(params (byte Type, byte[] Name)[] entries)
    {
        var list = entries.SelectMany(e => (byte[])[e.Type, .. U16(e.Name.Length), .. e.Name]).ToArray();
        return Extension(0, [.. U16(list.Length), .. list]);
    }

    public static byte[] ServerName(string host) => ServerNameEntries((0, Encoding.ASCII.GetBytes(host)));

    /// <summary>RFC 7301 §3.1 application_layer_protocol_negotiation.</summary>
    public static byte[] Alpn(params byte[][] names)
    {
        var list = names.SelectMany(n => (byte[])[(byte)n.Length, .. n]).ToArray();
        return Extension(16, [.. U16(list.Length), .. list]);
    }

    public static byte[] Alpn(params string[] names) => Alpn(names.Select(Encoding.ASCII.GetBytes).ToArray());

    /// <summary>RFC 8446 §4.2.1 supported_versions, ClientHello form.</summary>
    public static byte[] SupportedVersions(params ushort[] versions) =>
        Extension(43, [(byte)(versions.Length * 2), .. versions.SelectMany(v => U16(v))]);

    public static byte[] U16(int value) => [(byte)(value >> 8), (byte)value];
}
