namespace IngressFleet.Sources.Publishing;

/// <summary>This silo's source term is over: another silo holds the source lease and has committed.</summary>
internal sealed class SourceLeaseLostException(string message) : Exception(message);
