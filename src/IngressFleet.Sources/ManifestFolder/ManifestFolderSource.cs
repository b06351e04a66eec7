using System.Collections.Immutable;
using IngressFleet.Core.Logging;
using IngressFleet.Core.Manifests;
using IngressFleet.Core.Model;
using IngressFleet.Core.Translation;
using IngressFleet.Sources.Publishing;
using k8s.Models;
using Microsoft.Extensions.Options;

namespace IngressFleet.Sources.ManifestFolder;

/// <summary>
/// The manifest-folder source: every <c>*.yaml</c>, <c>*.yml</c> and <c>*.json</c> file of one folder, read
/// as Kubernetes objects and published whenever a file is added, changed or removed. File-system events
/// trigger a read at once; a periodic rescan catches events the OS dropped. A file that cannot be read
/// keeps its previous objects in force; an object that cannot be read keeps its previous version.
/// </summary>
internal sealed partial class ManifestFolderSource(
    IOptions<SourceOptions> options,
    TimeProvider time,
    ILogger<ManifestFolderSource> logger) : IConfigSource, IDisposable
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private readonly Dictionary<string, ManifestFileState> _files = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);

    public string Description => $"manifest folder {Path.GetFullPath(options.Value.Manifests!)}";

    public async Task RunAsync(ConfigPublisher publisher, CancellationToken stoppingToken)
    {
        var folder = Path.GetFullPath(options.Value.Manifests!);
        Log.Watching(logger, folder);

        // Every run reads the folder from scratch: a silo taking over the source re-syncs from it.
        _files.Clear();
        using var watcher = CreateWatcher(folder);
        var poll = options.Value.ManifestPollInterval;
        var published = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (Rescan(folder) || !published)
                {
                    var (objects, problems) = Merge();
                    await publisher.PublishAsync(objects, problems);
                    published = true;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException and not SourceLeaseLostException)
            {
                // Keep what is in force; the next event or poll tries again.
                published = false;
                Log.ReadFailed(logger, folder, e);
            }

            if (await _changed.WaitAsync(poll, stoppingToken))
            {
                await Task.Delay(options.Value.ManifestDebounce, time, stoppingToken);
                while (_changed.CurrentCount > 0 && _changed.Wait(0, CancellationToken.None))
                {
                    // One read covers every event that arrived meanwhile.
                }
            }
        }
    }

    public void Dispose() => _changed.Dispose();

    private FileSystemWatcher? CreateWatcher(string folder)
    {
        if (!Directory.Exists(folder))
        {
            Log.FolderMissing(logger, folder);
            return null;
        }

        var watcher = new FileSystemWatcher(folder)
        {
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
            IncludeSubdirectories = false,
        };
        FileSystemEventHandler signal = (_, _) => _changed.Release();
        watcher.Created += signal;
        watcher.Changed += signal;
        watcher.Deleted += signal;
        watcher.Renamed += (_, _) => _changed.Release();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    /// <summary>Reads the files that appeared or changed (by size and write time) and forgets removed ones.</summary>
    /// <returns>True when anything changed.</returns>
    private bool Rescan(string folder)
    {
        var present = Directory.Exists(folder)
            ? new DirectoryInfo(folder).EnumerateFiles()
                .Where(f => Extensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase) && !f.Name.StartsWith('.'))
                .ToDictionary(f => f.FullName, StringComparer.Ordinal)
            : [];
        var changed = false;
        foreach (var gone in _files.Keys.Where(k => !present.ContainsKey(k)).ToList())
        {
            _files.Remove(gone);
            changed = true;
        }

        foreach (var (path, info) in present)
        {
            var stamp = (info.Length, info.LastWriteTimeUtc);
            if (_files.TryGetValue(path, out var known) && known.Stamp == stamp)
            {
                continue;
            }

            _files[path] = Read(path, info, stamp, known);
            changed = true;
        }

        return changed;
    }

    private static ManifestFileState Read(string path, FileInfo info, (long, DateTime) stamp, ManifestFileState? previous)
    {
        var name = Path.GetFileName(path);
        var limits = ManifestLimits.Default;
        ManifestFile parsed;
        if (info.Length > limits.MaxFileBytes)
        {
            parsed = ManifestParser.Reject(name, $"file is larger than the limit of {limits.MaxFileBytes} bytes");
        }
        else
        {
            try
            {
                parsed = ManifestParser.Parse(File.ReadAllText(path), name, limits);
            }
            catch (IOException e)
            {
                parsed = ManifestParser.Reject(name, $"cannot be read: {e.Message}");
            }
        }

        return Keep(previous, stamp, parsed);
    }

    /// <summary>
    /// The objects a file puts in force: all of the previous ones when the file is unreadable; otherwise the
    /// new ones, plus the previous version of each object whose new version was rejected.
    /// </summary>
    private static ManifestFileState Keep(ManifestFileState? previous, (long, DateTime) stamp, ManifestFile parsed)
    {
        var before = previous?.Objects ?? [];
        if (parsed.FileRejected)
        {
            return new ManifestFileState(stamp, before, parsed.Problems);
        }

        var rejected = parsed.RejectedObjects.ToHashSet(StringComparer.Ordinal);
        var kept = before.Where(o => rejected.Contains(IdentityOf(o)));
        return new ManifestFileState(stamp, [.. parsed.Objects, .. kept], parsed.Problems);
    }

    /// <summary>All files' objects, the first file (by name) winning when two define the same object.</summary>
    private (ClusterObjects Objects, List<ObjectProblem> Problems) Merge()
    {
        var problems = new List<ObjectProblem>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var objects = new List<object>();
        foreach (var (path, file) in _files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            problems.AddRange(file.Problems);
            foreach (var o in file.Objects)
            {
                var identity = IdentityOf(o);
                if (seen.TryAdd(identity, name))
                {
                    objects.Add(o);
                }
                else
                {
                    var parts = identity.Split('/', 3);
                    problems.Add(new ObjectProblem(parts[0], parts[1], parts[2], name, [$"also defined in {seen[identity]}, which is used"]));
                }
            }
        }

        var origins = seen.ToImmutableDictionary(StringComparer.Ordinal);
        return (ClusterObjects.From(objects) with { Origins = origins }, problems);
    }

    private static string IdentityOf(object o) => o switch
    {
        V1Ingress x => ClusterObjects.KeyOf("Ingress", x.Metadata),
        V1IngressClass x => ClusterObjects.KeyOf("IngressClass", x.Metadata),
        V1Service x => ClusterObjects.KeyOf("Service", x.Metadata),
        V1EndpointSlice x => ClusterObjects.KeyOf("EndpointSlice", x.Metadata),
        V1Endpoints x => ClusterObjects.KeyOf("Endpoints", x.Metadata),
        V1Secret x => ClusterObjects.KeyOf("Secret", x.Metadata),
        _ => o.GetType().Name,
    };

    private sealed record ManifestFileState((long Length, DateTime WrittenAt) Stamp, ImmutableArray<object> Objects, ImmutableArray<ObjectProblem> Problems);

    private static partial class Log
    {
        [LoggerMessage(EventIds.ManifestFolderSourceWatching, LogLevel.Information, "Watching manifest folder {Folder}")]
        public static partial void Watching(ILogger logger, string folder);

        [LoggerMessage(EventIds.ManifestFolderSourceFolderMissing, LogLevel.Warning, "Manifest folder {Folder} does not exist; it is rescanned until it does")]
        public static partial void FolderMissing(ILogger logger, string folder);

        [LoggerMessage(EventIds.ManifestFolderSourceReadFailed, LogLevel.Warning, "Could not read or publish manifest folder {Folder}; the config in force keeps serving")]
        public static partial void ReadFailed(ILogger logger, string folder, Exception exception);
    }
}
