namespace IngressFleet.Core.Model;

/// <summary>What consistent hashing hashes.</summary>
public enum HashSource
{
    Header,
    Cookie,
    ClientAddress,
}
