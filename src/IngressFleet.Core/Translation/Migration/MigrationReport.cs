using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text;
using System.Text.Json;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation.Annotations;

namespace IngressFleet.Core.Translation.Migration;

/// <summary>
/// What carries over from ingress-nginx, per Ingress and annotation, computed by the same translation that
/// serves them (so the report cannot disagree with what the fleet does), for a check before cut-over.
/// </summary>
public static class MigrationReport
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private const string PerClientLimit =
        "counted per client address for the whole fleet: ingress-nginx counts on each replica, so there N replicas admit up to N times the limit, here the limit itself. Over it: 503, as ingress-nginx";

    /// <summary>Implemented annotations whose meaning deliberately differs from ingress-nginx's, and how.</summary>
    public static FrozenDictionary<string, string> Differences { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["limit-rps"] = PerClientLimit,
        ["limit-rpm"] = PerClientLimit,
        ["limit-connections"] = PerClientLimit,
        ["proxy-ssl-server-name"] = "the SNI sent to backends is always the request's host; proxy-ssl-name sets only the name verified",
        ["from-to-www-redirect"] = "the Location keeps the port the client named in its Host header; ingress-nginx 1.12 writes the port it listens on (http://host:80/...)",
        ["proxy-read-timeout"] = "one idle timeout covers both directions: the larger of proxy-read-timeout and proxy-send-timeout",
        ["proxy-send-timeout"] = "one idle timeout covers both directions: the larger of proxy-read-timeout and proxy-send-timeout",
        ["proxy-next-upstream"] = "request bodies are streamed, not buffered: a request with a body is tried again only when its connection could not be opened (nothing was sent); ingress-nginx buffers bodies and sends them again",
        ["load-balance"] = "ewma is served by power of two choices over requests in flight (the default); round_robin as it is",
        ["affinity-mode"] = "balanced is served as persistent: a client keeps its destination while it is there, and scaling out does not move clients",
        ["session-cookie-expires"] = "sent as Max-Age (the same lifetime); session-cookie-max-age wins when both are set",
        ["custom-http-errors"] = "answered by the default-backend annotation's Service, else by the global one (--default-backend-service) as in ingress-nginx; with neither, the backend's own answer goes to the client. The error backend gets no request body",
        ["default-backend"] = "the Service's port 80 unless the value names one (\"errors:8080\"); ingress-nginx takes the Service's first port",
        ["client-body-buffer-size"] = "no effect: request bodies are streamed to the backend, never buffered",
        ["ssl-passthrough"] = "needs the silos' --ssl-passthrough (ingress-nginx: --enable-ssl-passthrough); without it, TLS requests for the host get 503",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static ImmutableArray<IngressMigration> Build(ClusterObjects objects, IngressClassFilter filter)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(filter);
        return Build(objects, filter, ConfigTranslator.Translate(objects, filter, RoutingConfig.Empty, []));
    }

    /// <summary>The report of <paramref name="objects"/> as <paramref name="config"/> translated them (the running config's own translation).</summary>
    public static ImmutableArray<IngressMigration> Build(ClusterObjects objects, IngressClassFilter filter, RoutingConfig config)
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(config);
        return
        [
            .. objects.Ingresses.Where(i => filter.Serves(i, objects.IngressClasses)).Select(ingress =>
            {
                var ns = ClusterObjects.NamespaceOf(ingress.Metadata);
                var name = ingress.Metadata?.Name ?? string.Empty;
                var problem = config.Problems.TryGetValue($"Ingress/{ns}/{name}", out var p) ? p : null;
                var reasons = problem?.Reasons.IsDefault == false ? problem.Reasons : [];

                // Unknown annotations are in the table already; what is left are warnings about the Ingress itself.
                var warnings = problem?.Warnings.IsDefault == false ? problem.Warnings.Where(w => !w.StartsWith("metadata.annotations[", StringComparison.Ordinal)).ToImmutableArray() : [];
                var verdicts = (ingress.Metadata?.Annotations ?? new Dictionary<string, string>())
                    .OrderBy(a => a.Key, StringComparer.Ordinal)
                    .Select(a => Classify(a.Key, a.Value, reasons))
                    .OfType<AnnotationVerdict>()
                    .ToImmutableArray();
                return new IngressMigration(ns, name, config.Ingresses.ContainsKey($"{ns}/{name}"), verdicts, reasons, warnings);
            })
            .OrderBy(m => m.Namespace, StringComparer.Ordinal).ThenBy(m => m.Name, StringComparer.Ordinal),
        ];
    }

    /// <summary>A markdown table per Ingress.</summary>
    public static string ToMarkdown(ImmutableArray<IngressMigration> report)
    {
        var text = new StringBuilder("# Migration check\n\n");
        text.Append($"{report.Length} Ingresses: {report.Count(r => !r.Differs)} carry over as they are, {report.Count(r => r.Served && r.Differs)} are served with differences, {report.Count(r => !r.Served)} are not served.\n");
        foreach (var ingress in report)
        {
            text.Append($"\n## {ingress.Namespace}/{ingress.Name}: {(ingress.Served ? ingress.Differs ? "served, with differences" : "carries over" : "NOT SERVED")}\n\n");
            foreach (var reason in ingress.Problems.Concat(ingress.Warnings))
            {
                text.Append($"- {reason}\n");
            }

            if (ingress.Annotations.IsEmpty)
            {
                text.Append("No ingress-nginx or IngressFleet annotations.\n");
                continue;
            }

            text.Append(ingress.Problems.IsEmpty && ingress.Warnings.IsEmpty ? string.Empty : "\n").Append("| annotation | value | status | note |\n|---|---|---|---|\n");
            foreach (var a in ingress.Annotations)
            {
                text.Append($"| `{a.Key}` | `{Cell(a.Value)}` | {Describe(a.Status)} | {Cell(a.Note ?? string.Empty)} |\n");
            }
        }

        return text.ToString();
    }

    public static string ToJson(ImmutableArray<IngressMigration> report) =>
        JsonSerializer.Serialize(
            report.Select(r => new
            {
                @namespace = r.Namespace,
                name = r.Name,
                served = r.Served,
                differs = r.Differs,
                problems = r.Problems,
                warnings = r.Warnings,
                annotations = r.Annotations.Select(a => new { key = a.Key, value = a.Value, status = Describe(a.Status), note = a.Note }),
            }),
            Indented) + "\n";

    private static AnnotationVerdict? Classify(string key, string value, ImmutableArray<string> reasons)
    {
        var name = key.StartsWith(AnnotationCatalog.NginxPrefix, StringComparison.Ordinal) ? key[AnnotationCatalog.NginxPrefix.Length..]
            : key.StartsWith(AnnotationCatalog.OurPrefix, StringComparison.Ordinal) ? key[AnnotationCatalog.OurPrefix.Length..]
            : null;
        if (name is null)
        {
            // Another tool's annotation: not ours to judge.
            return null;
        }

        var shown = new string([.. value.Take(120).Select(c => char.IsControl(c) ? ' ' : c)]).Trim();
        var reason = reasons.FirstOrDefault(r => r.StartsWith($"metadata.annotations[{key}]", StringComparison.Ordinal));
        if (IngressAnnotations.Keys.Contains(key))
        {
            // A difference is ingress-nginx's meaning against ours: IngressFleet's own annotations have only ours.
            var nginx = key.StartsWith(AnnotationCatalog.NginxPrefix, StringComparison.Ordinal);
            return reason is not null ? new AnnotationVerdict(key, shown, AnnotationStatus.Invalid, reason[(reason.IndexOf("]: ", StringComparison.Ordinal) + 3)..])
                : nginx && Differences.TryGetValue(name, out var difference) ? new AnnotationVerdict(key, shown, AnnotationStatus.CarriedOverWithDifference, difference)
                : new AnnotationVerdict(key, shown, AnnotationStatus.CarriedOver, null);
        }

        return reason is not null
            ? new AnnotationVerdict(key, shown, AnnotationStatus.Refused, reason[(reason.IndexOf("]: ", StringComparison.Ordinal) + 3)..])
            : new AnnotationVerdict(key, shown, AnnotationStatus.NotSupported, "ignored");
    }

    /// <summary>How a status reads in the report and the guide.</summary>
    public static string Describe(AnnotationStatus status) => status switch
    {
        AnnotationStatus.CarriedOver => "carried over",
        AnnotationStatus.CarriedOverWithDifference => "carried over, with a difference",
        AnnotationStatus.NotSupported => "not supported (ignored)",
        AnnotationStatus.Refused => "refused (not served)",
        _ => "invalid (not served)",
    };

    /// <summary>Text for a markdown table cell.</summary>
    public static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
