namespace IngressFleet.Core.Translation.Annotations;

/// <summary>An annotation IngressFleet implements: its keys and how its value is read.</summary>
public sealed record Annotation<T>(string Key, string? NginxKey, ValueParser<T> Parser) : IAnnotation
{
    public string Expected => Parser.Expected;
}
