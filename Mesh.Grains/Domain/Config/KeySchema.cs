using System.Collections.Frozen;

namespace Mesh.Domain.Config;

/// <summary>
/// The keys one fly.toml table may hold. A schema with neither <see cref="Keys"/> nor
/// <see cref="EachEntry"/> is a leaf or a free-form map (env, build.args, headers): its
/// contents are the user's own and are not checked.
/// </summary>
internal sealed class KeySchema
{
    public static KeySchema Leaf { get; } = new(null, null, isList: false);

    private KeySchema(FrozenDictionary<string, KeySchema>? keys, KeySchema? eachEntry, bool isList)
    {
        Keys = keys;
        EachEntry = eachEntry;
        IsList = isList;
    }

    /// <summary>Known keys and their own schemas; null when the table is not checked.</summary>
    public FrozenDictionary<string, KeySchema>? Keys { get; }

    /// <summary>For maps of user-named entries (<c>[checks.&lt;name&gt;]</c>): the schema of every entry.</summary>
    public KeySchema? EachEntry { get; }

    /// <summary>A list of tables (<c>services</c>, <c>ports</c>, checks): paths are indexed even for a single table.</summary>
    public bool IsList { get; }

    /// <summary>A table whose known keys are all leaves.</summary>
    public static KeySchema Table(params string[] leaves) =>
        new(leaves.ToFrozenDictionary(k => k, _ => Leaf, StringComparer.Ordinal), null, isList: false);

    public static KeySchema NamedEntries(KeySchema entry) => new(null, entry, isList: false);

    /// <summary>This schema with more known keys that have schemas of their own.</summary>
    public KeySchema With(params (string Key, KeySchema Schema)[] nested)
    {
        var keys = new Dictionary<string, KeySchema>(Keys ?? FrozenDictionary<string, KeySchema>.Empty, StringComparer.Ordinal);
        foreach (var (key, schema) in nested) keys[key] = schema;
        return new KeySchema(keys.ToFrozenDictionary(StringComparer.Ordinal), EachEntry, IsList);
    }

    public KeySchema AsList() => new(Keys, EachEntry, isList: true);
}
