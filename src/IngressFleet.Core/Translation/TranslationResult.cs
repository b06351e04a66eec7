using System.Collections.Immutable;

namespace IngressFleet.Translation;

/// <summary>Either a value or every error found on the way; never both.</summary>
public sealed record TranslationResult<T>(T? Value, ImmutableArray<string> Errors)
    where T : class;

public static class TranslationResult
{
    public static TranslationResult<T> Ok<T>(T value)
        where T : class => new(value, []);

    public static TranslationResult<T> Failed<T>(IEnumerable<string> errors)
        where T : class => new(null, [.. errors]);
}
