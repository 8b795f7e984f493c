namespace Mesh.Tests.Health;

/// <summary>A request as <see cref="CheckedApp"/> received it.</summary>
internal sealed record SeenRequest(string Method, string Target, string Host, IReadOnlyDictionary<string, string> Headers);
