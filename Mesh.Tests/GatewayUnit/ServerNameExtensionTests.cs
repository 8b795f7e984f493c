using Mesh.Gateway.Tls;

namespace Mesh.Tests.GatewayUnit;

/// <summary>
/// The server_name extension as OpenSSL's ClientHello callback hands it over (RFC 6066 §3): the
/// native handshake routes by the host_name it finds, so a malformed list must yield no name, never
/// a wrong one or a read past the end.
/// </summary>
public sealed class ServerNameExtensionTests
{
    private static byte[] Extension(params (byte Type, string Name)[] entries)
    {
        var body = entries.SelectMany(e => new[] { e.Type, (byte)(e.Name.Length >> 8), (byte)e.Name.Length }.Concat(System.Text.Encoding.ASCII.GetBytes(e.Name))).ToArray();
        return [(byte)(body.Length >> 8), (byte)body.Length, .. body];
    }

    [Fact]
    public void The_host_name_entry_is_the_server_name()
    {
        Assert.Equal("app.example.test", NativeTlsConnection.ParseServerName(Extension((0, "app.example.test"))));
    }

    [Fact]
    public void Entries_of_other_types_are_skipped()
    {
        Assert.Equal("b.test", NativeTlsConnection.ParseServerName(Extension((7, "ignored"), (0, "b.test"))));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0, 9, 0, 0, 6, (byte)'a' })]          // the list length says more than there is
    [InlineData(new byte[] { 0, 4, 0, 0, 9, (byte)'a' })]          // the name's length runs past the list
    [InlineData(new byte[] { 0, 3, 0, 0, 0 })]                     // an empty name
    [InlineData(new byte[] { 0, 5, 7, 0, 2, (byte)'a', (byte)'b' })] // no host_name entry
    public void A_malformed_or_empty_list_has_no_name(byte[] extension)
    {
        Assert.Null(NativeTlsConnection.ParseServerName(extension));
    }

    [Fact]
    public void Every_truncation_of_a_valid_extension_has_no_name()
    {
        var whole = Extension((0, "app.example.test"));
        for (var length = 0; length < whole.Length; length++)
        {
            Assert.Null(NativeTlsConnection.ParseServerName(whole.AsSpan(0, length)));
        }
    }
}
