using System.Collections.Immutable;

namespace IngressFleet.Core.Translation;

/// <summary>Either a value or every error found on the way; never both.</summary>
public sealed record TranslationResult<T>(T? Value, ImmutableArray<string> Errors)
    where T : class;
