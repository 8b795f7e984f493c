using Tomlyn.Syntax;

namespace Mesh.Domain.Config;

/// <summary>
/// TOML's "define once" rules (a key, or a table, may not be defined twice). Tomlyn's untyped
/// model silently keeps the last value, and its strict validator also rejects valid files (a
/// table opened with a header in one <c>[[services]]</c> entry and written inline in the next),
/// so the rules are applied here, exactly as Python's tomllib applies them (the corpus was
/// checked with tomllib): a map of what each key holds, plus flags for tables opened with a
/// header (explicit) and for inline tables and arrays (frozen).
/// </summary>
internal sealed class TomlDefinitionCheck
{
    private static readonly object Value = new();

    private readonly Flags _flags = new();
    private readonly List<string[]> _pendingExplicit = [];
    private readonly Dictionary<string, object> _data = new(StringComparer.Ordinal);

    /// <summary>The first redefinition in the document, with the node it was found at.</summary>
    public static (SyntaxNode At, string Message)? FindRedefinition(DocumentSyntax document)
    {
        var check = new TomlDefinitionCheck();
        string[] header = [];
        foreach (var keyValue in document.KeyValues)
        {
            if (check.KeyValue(header, keyValue) is { } error) return (keyValue, error);
        }
        foreach (var table in document.Tables)
        {
            // Tables made by dotted keys in the previous section may not be reopened from here on.
            foreach (var key in check._pendingExplicit) check._flags.Node(key).Explicit = true;
            check._pendingExplicit.Clear();

            header = KeyParts(table.Name!);
            var tableError = table is TableArraySyntax ? check.ArrayTable(header) : check.Table(header);
            if (tableError is not null) return (table, tableError);
            foreach (var keyValue in table.Items)
            {
                if (check.KeyValue(header, keyValue) is { } error) return (keyValue, error);
            }
        }
        return null;
    }

    private string? Table(string[] key)
    {
        if (_flags.Find(key)?.Explicit == true || _flags.IsFrozen(key)) return $"table [{Dotted(key)}] is defined twice";
        _flags.Node(key).Explicit = true;
        return Nest(key) is null ? $"[{Dotted(key)}] is already a value" : null;
    }

    private string? ArrayTable(string[] key)
    {
        if (_flags.IsFrozen(key)) return $"[[{Dotted(key)}]] cannot extend an inline array or table";
        // A new element starts with a clean slate, but the key itself still may not become a [table].
        _flags.Remove(key);
        _flags.Node(key).Explicit = true;
        if (Nest(key[..^1]) is not { } parent) return $"[[{Dotted(key)}]] is inside a value";
        if (!parent.TryGetValue(key[^1], out var existing)) parent[key[^1]] = new List<Dictionary<string, object>> { New() };
        else if (existing is List<Dictionary<string, object>> list) list.Add(New());
        else return $"[[{Dotted(key)}]] is already defined as something other than an array of tables";
        return null;
    }

    private string? KeyValue(string[] header, KeyValueSyntax keyValue)
    {
        var key = KeyParts(keyValue.Key!);
        for (var i = 1; i < key.Length; i++)
        {
            string[] container = [.. header, .. key[..i]];
            if (_flags.Find(container)?.Explicit == true) return $"{Dotted(container)} is a table already; a dotted key cannot redefine it";
            _pendingExplicit.Add(container);
        }
        string[] parentKey = [.. header, .. key[..^1]];
        string[] fullKey = [.. header, .. key];
        if (_flags.IsFrozen(parentKey)) return $"{Dotted(parentKey)} is an inline table or array and cannot be extended";
        if (Nest(parentKey) is not { } parent) return $"{Dotted(parentKey)} is a value, not a table";
        if (parent.ContainsKey(key[^1])) return $"{Dotted(fullKey)} is defined twice";
        if (keyValue.Value is InlineTableSyntax or ArraySyntax)
        {
            _flags.Node(fullKey).Frozen = true;
            if (CheckNested(keyValue.Value) is { } error) return error;
        }
        parent[key[^1]] = Value;
        return null;
    }

    /// <summary>Inline tables follow the same rules inside their braces, each on its own.</summary>
    private static string? CheckNested(ValueSyntax value)
    {
        switch (value)
        {
            case InlineTableSyntax inline:
                var check = new TomlDefinitionCheck();
                foreach (var item in inline.Items)
                {
                    if (item.KeyValue is { } keyValue && check.KeyValue([], keyValue) is { } error) return error;
                }
                return null;
            case ArraySyntax array:
                foreach (var item in array.Items)
                {
                    if (item.Value is { } element && CheckNested(element) is { } error) return error;
                }
                return null;
            default:
                return null;
        }
    }

    /// <summary>The table at <paramref name="key"/>, created as needed; the last element of an array of tables; null when a value is in the way.</summary>
    private Dictionary<string, object>? Nest(string[] key)
    {
        var table = _data;
        foreach (var part in key)
        {
            if (!table.TryGetValue(part, out var next)) table[part] = next = New();
            if (next is List<Dictionary<string, object>> list) next = list[^1];
            if (next is not Dictionary<string, object> child) return null;
            table = child;
        }
        return table;
    }

    private static Dictionary<string, object> New() => new(StringComparer.Ordinal);

    private static string[] KeyParts(KeySyntax key) =>
        [KeyPart(key.Key!), .. key.DotKeys.Select(dot => KeyPart(dot.Key!))];

    private static string KeyPart(BareKeyOrStringValueSyntax part) => part switch
    {
        BareKeySyntax bare => bare.Key!.Text!,
        StringValueSyntax quoted => quoted.Value!,
        _ => part.ToString()!.Trim(),
    };

    private static string Dotted(string[] key) => string.Join('.', key);

    /// <summary>Per-key flags, nested like the keys (tomllib's Flags).</summary>
    private sealed class Flags
    {
        private readonly Dictionary<string, Flags> _nested = new(StringComparer.Ordinal);

        public bool Explicit { get; set; }

        /// <summary>Inline tables and arrays: frozen with everything under them.</summary>
        public bool Frozen { get; set; }

        public Flags Node(string[] key)
        {
            var node = this;
            foreach (var part in key)
            {
                if (!node._nested.TryGetValue(part, out var next)) node._nested[part] = next = new Flags();
                node = next;
            }
            return node;
        }

        public Flags? Find(string[] key)
        {
            if (key.Length == 0) return null;
            var node = this;
            foreach (var part in key)
            {
                if (!node._nested.TryGetValue(part, out node)) return null;
            }
            return node;
        }

        public bool IsFrozen(string[] key)
        {
            var node = this;
            foreach (var part in key)
            {
                if (!node._nested.TryGetValue(part, out node)) return false;
                if (node.Frozen) return true;
            }
            return false;
        }

        public void Remove(string[] key)
        {
            var parent = key.Length == 1 ? this : Find(key[..^1]);
            parent?._nested.Remove(key[^1]);
        }
    }
}
