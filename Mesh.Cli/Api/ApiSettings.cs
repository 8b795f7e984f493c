namespace Mesh.Cli.Api;

/// <summary>What the user said about reaching the API: the flags, before environment and data-directory defaults.</summary>
internal sealed record ApiSettings(string? Api, string? Token, string? Ca, string? DataDir);
