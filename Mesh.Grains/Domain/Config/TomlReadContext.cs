using System.Collections.Immutable;
using System.Globalization;
using Tomlyn.Model;

namespace Mesh.Domain.Config;

/// <summary>
/// Typed, forgiving access to the untyped TOML model while reading one fly.toml. Real configs
/// write ports as strings, single tables where arrays are expected, and so on; these getters
/// accept every such variation the corpus shows and record an error (with the key's path)
/// only for values that cannot mean anything, returning null/the default in their place.
/// </summary>
internal sealed class TomlReadContext
{
    private readonly List<string> _warnings = [];
    private readonly List<ConfigProblem> _errors = [];

    public IReadOnlyList<string> Warnings => _warnings;

    public IReadOnlyList<ConfigProblem> Errors => _errors;

    public void Warn(string path, string message) => _warnings.Add($"{path}: {message}");

    public void WarnText(string text) => _warnings.Add(text);

    public void Error(string path, string message) => _errors.Add(ConfigProblem.Error(path, message));

    public static string Child(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>
    /// The tables under a key that holds a list of tables. A single table counts as a
    /// one-element list (flyctl's ensureArrayOfMap); paths are always indexed so that
    /// <c>[services]</c> and <c>[[services]]</c> are named the same way.
    /// </summary>
    public IEnumerable<(TomlTable Table, string Path)> Tables(TomlTable owner, string key, string path)
    {
        var at = Child(path, key);
        if (!owner.TryGetValue(key, out var value)) yield break;
        if (value is not (TomlTable or TomlTableArray or TomlArray))
        {
            Error(at, $"expected a table or an array of tables, got {Describe(value)}");
            yield break;
        }
        foreach (var (item, itemPath) in Items(value, at, indexSingle: true))
        {
            if (item is TomlTable table) yield return (table, itemPath);
            else Warn(itemPath, "not a table; ignored");
        }
    }

    /// <summary>The elements of an array (of tables) with their indexed paths; a lone table is its own only element.</summary>
    public static IEnumerable<(object? Item, string Path)> Items(object? value, string path, bool indexSingle)
    {
        switch (value)
        {
            case TomlTable table:
                yield return (table, indexSingle ? $"{path}[0]" : path);
                break;
            case TomlTableArray tables:
                for (var i = 0; i < tables.Count; i++) yield return (tables[i], $"{path}[{i}]");
                break;
            case TomlArray items:
                for (var i = 0; i < items.Count; i++) yield return (items[i], $"{path}[{i}]");
                break;
        }
    }

    /// <summary>A key that holds one table (<c>concurrency</c>, <c>tls_options</c>, ...), or null when absent.</summary>
    public TomlTable? Table(TomlTable owner, string key, string path)
    {
        if (!owner.TryGetValue(key, out var value)) return null;
        if (value is TomlTable table) return table;
        Error(Child(path, key), $"expected a table, got {Describe(value)}");
        return null;
    }

    /// <summary>An integer; integral floats and numeric strings (<c>port = "443"</c>) are cast, as flyctl's patches do.</summary>
    public int? Int(TomlTable owner, string key, string path)
    {
        if (!owner.TryGetValue(key, out var value)) return null;
        long? number = value switch
        {
            long l => l,
            double d when d == Math.Floor(d) && Math.Abs(d) < int.MaxValue => (long)d,
            string s when long.TryParse(s.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => l,
            _ => null,
        };
        if (number is null)
        {
            Error(Child(path, key), $"expected a whole number, got {Describe(value)}");
            return null;
        }
        if (number is < int.MinValue or > int.MaxValue)
        {
            Error(Child(path, key), $"{number} is out of range");
            return null;
        }
        return (int)number;
    }

    /// <summary>A boolean (absent = false); the strings "true"/"false" are accepted too.</summary>
    public bool Bool(TomlTable owner, string key, string path)
    {
        if (!owner.TryGetValue(key, out var value)) return false;
        switch (value)
        {
            case bool b:
                return b;
            case string s when bool.TryParse(s.Trim(), out var parsed):
                return parsed;
            default:
                Error(Child(path, key), $"expected true or false, got {Describe(value)}");
                return false;
        }
    }

    public string? String(TomlTable owner, string key, string path)
    {
        if (!owner.TryGetValue(key, out var value)) return null;
        if (value is string s) return s;
        Error(Child(path, key), $"expected a string, got {Describe(value)}");
        return null;
    }

    /// <summary>An array of strings (<c>handlers</c>, <c>processes</c>, <c>alpn</c>); a lone string counts as one element.</summary>
    public ImmutableArray<string> Strings(TomlTable owner, string key, string path)
    {
        if (!owner.TryGetValue(key, out var value)) return [];
        if (value is string single) return [single];
        if (value is not TomlArray items)
        {
            Error(Child(path, key), $"expected an array of strings, got {Describe(value)}");
            return [];
        }
        var result = ImmutableArray.CreateBuilder<string>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is string s) result.Add(s);
            else Error($"{Child(path, key)}[{i}]", $"expected a string, got {Describe(items[i])}");
        }
        return result.ToImmutable();
    }

    /// <summary>
    /// Header values (check headers, response headers) are strings; other scalars are sent as
    /// their TOML text with a warning, because a number there usually means a key landed in the
    /// wrong table (corpus 123 puts <c>internal_port</c> under <c>[services.http_checks.headers]</c>).
    /// </summary>
    public ImmutableArray<string> HeaderValues(object? value, string path)
    {
        if (value is string s) return [s];
        if (value is TomlArray items)
        {
            var result = ImmutableArray.CreateBuilder<string>(items.Count);
            for (var i = 0; i < items.Count; i++) result.AddRange(HeaderValues(items[i], $"{path}[{i}]"));
            if (items.Count == 0) Warn(path, "empty array; no header value sent");
            return result.ToImmutable();
        }
        if (ScalarText(value) is { } text)
        {
            Warn(path, $"{Describe(value)} is not a string; sent as \"{text}\"");
            return [text];
        }
        Warn(path, $"{Describe(value)} cannot be a header value; ignored");
        return [];
    }

    /// <summary>A value as the user wrote it, for messages.</summary>
    public static string Describe(object? value) => value switch
    {
        string s => $"\"{s}\"",
        TomlTable => "a table",
        TomlTableArray => "an array of tables",
        TomlArray => "an array",
        _ => ScalarText(value) ?? "nothing",
    };

    private static string? ScalarText(object? value) => value switch
    {
        bool b => b ? "true" : "false",
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        Tomlyn.TomlDateTime dt => dt.ToString(),
        _ => null,
    };
}
