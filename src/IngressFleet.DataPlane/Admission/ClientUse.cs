namespace IngressFleet.DataPlane.Admission;

/// <summary>What one client asked of a silo since its last report: requests per second, and requests wanted in flight at once.</summary>
public readonly record struct ClientUse(string Client, double RequestsPerSecond, int Connections);
