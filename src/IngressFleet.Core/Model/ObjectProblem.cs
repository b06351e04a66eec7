using System.Collections.Immutable;

namespace IngressFleet.Core.Model;

/// <summary>
/// Why an input was rejected (an object that failed validation, a file that could not be read), or what
/// was ignored in an input that is served. A rejected object's last valid version, if any, stays in force.
/// </summary>
/// <param name="Kind">The object kind (<c>Ingress</c>, ...) or <c>File</c>.</param>
/// <param name="Namespace">Empty for files.</param>
/// <param name="Name">The object name, or the file path.</param>
/// <param name="Source">Where the input came from, e.g. the manifest file.</param>
/// <param name="Reasons">Every error found, each naming the field; empty when the object is served with <see cref="Warnings"/> only.</param>
[GenerateSerializer, Immutable, Alias("ingressfleet.ObjectProblem")]
public sealed record ObjectProblem(string Kind, string Namespace, string Name, string Source, ImmutableArray<string> Reasons)
{
    public string Key => Namespace.Length == 0 ? $"{Kind}/{Name}" : $"{Kind}/{Namespace}/{Name}";

    /// <summary>What was ignored (annotations IngressFleet does not implement, ...); the object may still be served.</summary>
    [Id(0)]
    public ImmutableArray<string> Warnings { get; init; } = [];

    /// <summary>True when the input was rejected, not only warned about.</summary>
    public bool IsRejected => !Reasons.IsDefaultOrEmpty;

    public bool Equals(ObjectProblem? other) =>
        other is not null
        && Kind == other.Kind
        && Namespace == other.Namespace
        && Name == other.Name
        && Source == other.Source
        && Reasons.AsSpan().SequenceEqual(other.Reasons.AsSpan())
        && Warnings.AsSpan().SequenceEqual(other.Warnings.AsSpan());

    public override int GetHashCode() => HashCode.Combine(Kind, Namespace, Name, Source);
}
