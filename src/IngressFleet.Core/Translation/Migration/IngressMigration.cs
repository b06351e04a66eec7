using System.Collections.Immutable;

namespace IngressFleet.Core.Translation.Migration;

/// <summary>One Ingress's cut-over: whether it is served, and each of its annotations' fate.</summary>
/// <param name="Served">False when IngressFleet rejects it (see <see cref="Problems"/>).</param>
/// <param name="Problems">Why it is rejected, as <c>/api/v1/problems</c> would say.</param>
/// <param name="Warnings">What it is served without, or refused for (a Secret it names is missing, say).</param>
public sealed record IngressMigration(
    string Namespace, string Name, bool Served, ImmutableArray<AnnotationVerdict> Annotations, ImmutableArray<string> Problems, ImmutableArray<string> Warnings)
{
    /// <summary>Whether users would see a difference: not served, an annotation not carried over as it is, or a warning.</summary>
    public bool Differs => !Served || !Warnings.IsEmpty || Annotations.Any(a => a.Status != AnnotationStatus.CarriedOver);
}
