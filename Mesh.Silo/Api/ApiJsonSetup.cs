using System.Text.Json;
using Mesh.Interfaces.Api;

namespace Mesh.Silo.Api;

/// <summary>Gives ASP.NET Core's JSON options (bodies, answers, the OpenAPI schemas) the shared API settings.</summary>
internal static class ApiJsonSetup
{
    public static void Apply(JsonSerializerOptions target)
    {
        var source = ApiJson.Options;
        target.PropertyNamingPolicy = source.PropertyNamingPolicy;
        target.DictionaryKeyPolicy = source.DictionaryKeyPolicy;
        target.DefaultIgnoreCondition = source.DefaultIgnoreCondition;
        target.PropertyNameCaseInsensitive = source.PropertyNameCaseInsensitive;
        target.NumberHandling = source.NumberHandling;
        target.Encoder = source.Encoder;
        foreach (var converter in source.Converters)
        {
            target.Converters.Add(converter);
        }
    }
}
