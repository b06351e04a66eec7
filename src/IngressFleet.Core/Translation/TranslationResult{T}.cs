using System.Collections.Immutable;

namespace IngressFleet.Core.Translation;

/// <summary>Either a value or every error found on the way; never both. Warnings go with either.</summary>
public sealed record TranslationResult<T>(T? Value, ImmutableArray<string> Errors)
    where T : class
{
    /// <summary>What was ignored, e.g. annotations IngressFleet does not implement.</summary>
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>
    /// The object asks for protection IngressFleet does not implement: it is not served at all, not even in
    /// its last valid version, since serving it would serve open what its author meant to protect.
    /// </summary>
    public bool FailClosed { get; init; }
}
