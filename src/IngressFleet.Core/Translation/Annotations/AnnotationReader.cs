namespace IngressFleet.Core.Translation.Annotations;

/// <summary>
/// Reads one Ingress's annotations through their <see cref="ValueParser{T}"/>s. A value that is not
/// printable ASCII or fails its parser adds an error naming the annotation and what it must be; the caller
/// then rejects the Ingress. Nothing here throws on a value.
/// </summary>
public sealed class AnnotationReader(IDictionary<string, string>? annotations, List<string> errors)
{
    /// <summary>True when either key of <paramref name="annotation"/> is set, valid or not.</summary>
    public bool Has(IAnnotation annotation)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        return Find(annotation) is not null;
    }

    /// <summary>The value of <paramref name="annotation"/> (ours before the ingress-nginx key) when set and valid.</summary>
    public bool TryGet<T>(Annotation<T> annotation, out T value)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        value = default!;
        if (Find(annotation) is not var (key, raw))
        {
            return false;
        }

        if (AnnotationValues.IsPrintableAscii(raw) && annotation.Parser.Parse(raw) is (true, var parsed))
        {
            value = parsed;
            return true;
        }

        errors.Add($"metadata.annotations[{key}]: invalid value {Quote(raw)}: {annotation.Expected}");
        return false;
    }

    /// <summary>Adds an error about <paramref name="annotation"/> as it is set.</summary>
    public void Reject(IAnnotation annotation, string reason)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        errors.Add($"metadata.annotations[{Find(annotation)?.Key ?? annotation.Key}]: {reason}");
    }

    /// <summary>
    /// A value as it may appear in a reason: quoted, control and non-ASCII characters escaped, and cut
    /// after 64 characters, so a hostile value cannot make the problems list large or break a log line.
    /// </summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        const int Shown = 64;
        var builder = new System.Text.StringBuilder("\"");
        foreach (var c in value.Length > Shown ? value[..Shown] : value)
        {
            builder.Append(c is < ' ' or > '~' or '"' or '\\' ? $"\\u{(int)c:x4}" : c);
        }

        builder.Append('"');
        if (value.Length > Shown)
        {
            builder.Append(System.Globalization.CultureInfo.InvariantCulture, $"... ({value.Length} characters)");
        }

        return builder.ToString();
    }

    private (string Key, string Value)? Find(IAnnotation annotation)
    {
        if (annotations is null)
        {
            return null;
        }

        if (annotations.TryGetValue(annotation.Key, out var ours))
        {
            return (annotation.Key, (ours ?? string.Empty).Trim());
        }

        return annotation.NginxKey is { } nginx && annotations.TryGetValue(nginx, out var theirs) ? (nginx, (theirs ?? string.Empty).Trim()) : null;
    }
}
