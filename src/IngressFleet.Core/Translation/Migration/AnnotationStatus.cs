namespace IngressFleet.Core.Translation.Migration;

/// <summary>What becomes of one annotation of an Ingress when IngressFleet serves it instead of ingress-nginx.</summary>
public enum AnnotationStatus
{
    /// <summary>Read, with ingress-nginx's observable behaviour.</summary>
    CarriedOver,

    /// <summary>Read, with a deliberate difference (the note says which).</summary>
    CarriedOverWithDifference,

    /// <summary>Not implemented and not protective: ignored, the Ingress served without it.</summary>
    NotSupported,

    /// <summary>Not implemented protection, or a snippet: the Ingress is not served.</summary>
    Refused,

    /// <summary>Implemented, but this value is out of bounds: the Ingress is not served.</summary>
    Invalid,
}
