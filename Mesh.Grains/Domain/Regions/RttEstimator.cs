namespace Mesh.Domain.Regions;

/// <summary>
/// Estimates the round trip between two regions from their great-circle distance, until
/// gateways report measured values. Light in fibre covers about 200 km per ms; real paths are
/// about 1.5x the great circle, and each end adds about 1 ms of switching and queueing.
/// </summary>
public static class RttEstimator
{
    private const double EarthRadiusKm = 6371.0;
    private const double FibreKmPerMs = 200.0;
    private const double PathStretch = 1.5;
    private const double FixedMs = 2.0;

    public static double GreatCircleKm(RegionDefinition a, RegionDefinition b)
    {
        static double Rad(double deg) => deg * Math.PI / 180.0;
        var dLat = Rad(b.Latitude - a.Latitude);
        var dLon = Rad(b.Longitude - a.Longitude);
        var h = Math.Sin(dLat / 2) * Math.Sin(dLat / 2)
              + Math.Cos(Rad(a.Latitude)) * Math.Cos(Rad(b.Latitude)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1.0, Math.Sqrt(h)));
    }

    public static double EstimateMs(RegionDefinition a, RegionDefinition b)
    {
        if (string.Equals(a.Code, b.Code, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }
        var oneWay = GreatCircleKm(a, b) * PathStretch / FibreKmPerMs;
        return Math.Round(2 * oneWay + FixedMs, 1);
    }
}
