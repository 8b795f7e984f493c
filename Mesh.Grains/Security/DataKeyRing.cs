using System.Security.Cryptography;
using Mesh.Domain;

namespace Mesh.Security;

/// <summary>
/// The cluster's data-encryption keys, as kept in <c>data.key</c>: one key a line,
/// <c>&lt;key-id&gt; &lt;base64 of 32 bytes&gt;</c>. The first line is the current key, used to seal;
/// the others stay so that values sealed before a rotation still unseal.
/// </summary>
public sealed class DataKeyRing
{
    public const int KeySize = 32;

    private readonly List<(string Id, byte[] Key)> _keys;

    private DataKeyRing(List<(string Id, byte[] Key)> keys) => _keys = keys;

    public string CurrentId => _keys[0].Id;

    public IReadOnlyList<string> Ids => _keys.Select(k => k.Id).ToList();

    internal byte[] CurrentKey => _keys[0].Key;

    public static DataKeyRing New() => new([(NewId(), RandomNumberGenerator.GetBytes(KeySize))]);

    /// <summary>A ring whose current key is new, keeping every older key for unsealing.</summary>
    public DataKeyRing Rotate() => new([(NewId(), RandomNumberGenerator.GetBytes(KeySize)), .. _keys]);

    internal bool TryGet(string id, out byte[] key)
    {
        foreach (var (keyId, bytes) in _keys)
        {
            if (keyId == id)
            {
                key = bytes;
                return true;
            }
        }
        key = [];
        return false;
    }

    /// <summary>Reads the file's text; errors say which line is wrong, never what it holds.</summary>
    public static DataKeyRing Parse(string text, string source = "data.key")
    {
        var keys = new List<(string, byte[])>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !IsId(parts[0]))
            {
                throw new MeshException("data_key_invalid", $"{source} line {i + 1}: expected '<key-id> <base64 key>'");
            }
            byte[] key;
            try
            {
                key = Convert.FromBase64String(parts[1]);
            }
            catch (FormatException)
            {
                throw new MeshException("data_key_invalid", $"{source} line {i + 1}: the key is not base64");
            }
            if (key.Length != KeySize)
            {
                throw new MeshException("data_key_invalid", $"{source} line {i + 1}: the key is {key.Length} bytes, not {KeySize}");
            }
            if (keys.Any(k => k.Item1 == parts[0]))
            {
                throw new MeshException("data_key_invalid", $"{source} line {i + 1}: key id '{parts[0]}' appears twice");
            }
            keys.Add((parts[0], key));
        }
        if (keys.Count == 0)
        {
            throw new MeshException("data_key_invalid", $"{source}: no key");
        }
        return new DataKeyRing(keys);
    }

    public static DataKeyRing Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new MeshException("data_key_missing", $"{path}: no data key (make one with 'mesh cluster init')");
        }
        return Parse(File.ReadAllText(path), path);
    }

    public string ToText() => string.Concat(_keys.Select(k => $"{k.Id} {Convert.ToBase64String(k.Key)}\n"));

    /// <summary>Never the keys.</summary>
    public override string ToString() => $"data keys [{string.Join(", ", Ids)}]";

    private static string NewId() => "k" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

    private static bool IsId(string id) => id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
