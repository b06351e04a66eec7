namespace IngressFleet.Core.Translation;

public static class TranslationResult
{
    public static TranslationResult<T> Ok<T>(T value)
        where T : class => new(value, []);

    public static TranslationResult<T> Failed<T>(IEnumerable<string> errors)
        where T : class => new(null, [.. errors]);
}
