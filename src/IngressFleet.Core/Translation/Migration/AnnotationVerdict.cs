namespace IngressFleet.Core.Translation.Migration;

/// <summary>One annotation of an Ingress and what becomes of it.</summary>
public sealed record AnnotationVerdict(string Key, string Value, AnnotationStatus Status, string? Note);
