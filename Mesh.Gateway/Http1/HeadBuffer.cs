using System.Text;

namespace Mesh.Gateway.Http1;

/// <summary>A growable byte buffer a head is composed in before one write; one per connection, reused.</summary>
public sealed class HeadBuffer
{
    private byte[] _bytes = new byte[4096];

    public int Length { get; private set; }

    public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _bytes.AsMemory(0, Length);

    public void Clear() => Length = 0;

    public HeadBuffer Add(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(Length));
        Length += bytes.Length;
        return this;
    }

    /// <summary>ASCII text (header values the gateway makes are ASCII; anything else becomes '?').</summary>
    public HeadBuffer Add(string text)
    {
        Ensure(text.Length);
        Length += Encoding.Latin1.GetBytes(text, _bytes.AsSpan(Length));
        return this;
    }

    public HeadBuffer Add(long number)
    {
        Ensure(20);
        number.TryFormat(_bytes.AsSpan(Length), out var written, default, System.Globalization.CultureInfo.InvariantCulture);
        Length += written;
        return this;
    }

    public HeadBuffer Field(ReadOnlySpan<byte> name, string value) => Add(name).Add(": "u8).Add(value).Add("\r\n"u8);

    public HeadBuffer Field(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value) => Add(name).Add(": "u8).Add(value).Add("\r\n"u8);

    private void Ensure(int more)
    {
        if (Length + more > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + more));
    }
}
