// STUB: replaced by the parser branch.
using Mesh.Interfaces.Config;
namespace Mesh.Domain.Config;
public static class FlyToml
{
    public static ConfigReadResult Load(string text) => new(AppConfig.Empty, []);
}
public sealed record ConfigReadResult(AppConfig Config, IReadOnlyList<string> Warnings);
