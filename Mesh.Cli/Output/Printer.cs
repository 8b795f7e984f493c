using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Cli.Output;

/// <summary>Writes a result as a table (for people) or as JSON (<c>--json</c>, for scripts).</summary>
internal sealed class Printer(bool json, TextWriter stdout)
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public bool Json => json;

    public void Print<T>(T value, Func<T, string> human) => stdout.Write(json ? JsonSerializer.Serialize(value, JsonOptions) + "\n" : human(value));

    public void Line(string text)
    {
        if (!json) stdout.WriteLine(text);
    }
}
