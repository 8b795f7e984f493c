namespace Mesh.Domain.Regions;

/// <summary>A region of the catalogue: code, city and coordinates (degrees).</summary>
public sealed record RegionDefinition(string Code, string Name, double Latitude, double Longitude);
