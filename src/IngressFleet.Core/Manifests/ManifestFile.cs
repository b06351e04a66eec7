using System.Collections.Immutable;
using IngressFleet.Core.Model;
using k8s.Models;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace IngressFleet.Core.Manifests;

/// <summary>What one manifest file holds: the objects read, and a problem for each part that was not.</summary>
/// <param name="Objects">Objects of the kinds IngressFleet consumes, each with its position in the file.</param>
/// <param name="Problems">A problem per rejected document; when <see cref="FileRejected"/>, one for the whole file.</param>
/// <param name="FileRejected">The file could not be read at all (too large, not YAML, too deep): nothing in it was taken.</param>
/// <param name="RejectedObjects">Identities (<c>Kind/namespace/name</c>) of documents that were recognised but invalid.</param>
public sealed record ManifestFile(
    ImmutableArray<object> Objects,
    ImmutableArray<ObjectProblem> Problems,
    bool FileRejected,
    ImmutableArray<string> RejectedObjects);
