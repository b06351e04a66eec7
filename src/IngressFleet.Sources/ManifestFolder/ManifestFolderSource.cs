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
/// keeps its previous objects in force; an object that cannot be read keeps its previous version. Only
/// regular files, and links to regular files inside the folder, are read, their size checked before
/// reading: a FIFO would block the read, a device could be endless.
/// </summary>
internal sealed partial class ManifestFolderSource(
    IOptions<SourceOptions> options,
    SourceInput input,
    TimeProvider time,
    ILogger<ManifestFolderSource> logger) : IConfigSource, IDisposable
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private readonly Dictionary<string, ManifestFileState> _files = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _changed = new(0);
    private int _objectCount;

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
                // A folder that cannot be listed publishes nothing, not even at start: a silo taking over the
                // source before its volume is mounted must not replace the fleet's config with an empty one.
                if (TryRescan(folder, out var changed) && (changed || !published))
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

    /// <summary>Rescans the folder, telling <see cref="SourceInput"/> whether it could be listed; an unlistable folder changes nothing.</summary>
    /// <returns>True when the folder could be listed; <paramref name="changed"/> says whether any file changed.</returns>
    private bool TryRescan(string folder, out bool changed)
    {
        changed = false;
        try
        {
            if (!Directory.Exists(folder))
            {
                // A folder that vanished (an unmounted volume, say) is an input that cannot be read, not an
                // empty one: what is in force keeps serving.
                input.Failed(folder, "the folder does not exist");
                return false;
            }

            var entries = new DirectoryInfo(folder).EnumerateFileSystemInfos()
                .Where(f => Extensions.Contains(f.Extension, StringComparer.OrdinalIgnoreCase) && !f.Name.StartsWith('.'))
                .Select(f => Describe(folder, f))
                .OfType<Entry>()
                .ToDictionary(e => e.Path, StringComparer.Ordinal);
            input.Succeeded(folder);
            changed = Rescan(folder, entries);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            input.Failed(folder, e.Message);
            throw;
        }
    }

    /// <summary>
    /// What an entry is and whether it may be read: a regular file, or a link whose final target is a
    /// regular file inside the folder; anything else is refused with the reason. Directories are not ours.
    /// </summary>
    private static Entry? Describe(string folder, FileSystemInfo entry)
    {
        var (kind, size) = FileKinds.Of(entry.FullName);
        var target = entry.FullName;
        if (kind == FileKind.SymbolicLink)
        {
            var resolved = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            if (resolved is null || !Path.GetFullPath(resolved).StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                return new Entry(entry.FullName, target, 0, DateTime.MinValue, "is a link to outside the manifest folder: only files inside it are read");
            }

            target = resolved;
            (kind, size) = FileKinds.Of(target);
        }

        return kind switch
        {
            FileKind.Regular => new Entry(entry.FullName, target, size, File.GetLastWriteTimeUtc(target), null),
            FileKind.Directory or FileKind.Missing => null,
            _ => new Entry(entry.FullName, target, 0, DateTime.MinValue, $"is a {Name(kind)}, not a regular file: only regular files are read"),
        };
    }

    private static string Name(FileKind kind) => kind switch
    {
        FileKind.Fifo => "FIFO",
        FileKind.CharacterDevice => "character device",
        FileKind.BlockDevice => "block device",
        FileKind.Socket => "socket",
        _ => "special file",
    };

    /// <summary>Reads the files that appeared or changed (by size and write time) and forgets removed ones.</summary>
    /// <returns>True when anything changed.</returns>
    private bool Rescan(string folder, Dictionary<string, Entry> present)
    {
        var changed = false;
        foreach (var gone in _files.Keys.Where(k => !present.ContainsKey(k)).ToList())
        {
            _files.Remove(gone);
            changed = true;
        }

        var toRead = new List<(string Path, Entry Entry, (long, DateTime, string?) Stamp, ManifestFileState? Known)>();
        foreach (var (path, entry) in present)
        {
            var stamp = (entry.Size, entry.WrittenAt, entry.Refusal);
            if (!_files.TryGetValue(path, out var known) || known.Stamp != stamp)
            {
                toRead.Add((path, entry, stamp, known));
            }
        }

        // Files are parsed side by side (a fleet's first sync reads them all; parsing is pure and takes no lock).
        var read = new ManifestFileState[toRead.Count];
        Parallel.For(0, toRead.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i => read[i] = Read(toRead[i].Entry, toRead[i].Stamp, toRead[i].Known));
        for (var i = 0; i < toRead.Count; i++)
        {
            _files[toRead[i].Path] = read[i];
        }

        return changed || toRead.Count > 0;
    }

    private static ManifestFileState Read(Entry entry, (long, DateTime, string?) stamp, ManifestFileState? previous)
    {
        var name = Path.GetFileName(entry.Path);
        var limits = ManifestLimits.Default;
        ManifestFile parsed;
        if (entry.Refusal is { } refusal)
        {
            parsed = ManifestParser.Reject(name, refusal);
        }
        else if (entry.Size > limits.MaxFileBytes)
        {
            parsed = ManifestParser.Reject(name, $"file is larger than the limit of {limits.MaxFileBytes} bytes");
        }
        else
        {
            try
            {
                parsed = ReadBounded(entry.Target, limits.MaxFileBytes) is { } content
                    ? ManifestParser.Parse(content, name, limits)
                    : ManifestParser.Reject(name, $"file grew beyond the limit of {limits.MaxFileBytes} bytes while being read");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                parsed = ManifestParser.Reject(name, $"cannot be read: {e.Message}");
            }
        }

        return Keep(previous, stamp, parsed);
    }

    /// <summary>The file's text, or null when it holds more than <paramref name="limit"/> bytes (it may have grown since it was measured).</summary>
    private static string? ReadBounded(string path, long limit)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        using var content = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (content.Length + read > limit)
            {
                return null;
            }

            content.Write(buffer, 0, read);
        }

        return new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(content.GetBuffer(), 0, (int)content.Length).TrimStart('\uFEFF');
    }

    /// <summary>
    /// The objects a file puts in force: all of the previous ones when the file is unreadable; otherwise the
    /// new ones, plus the previous version of each object whose new version was rejected.
    /// </summary>
    private static ManifestFileState Keep(ManifestFileState? previous, (long, DateTime, string?) stamp, ManifestFile parsed)
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
        var seen = new Dictionary<string, string>(_objectCount, StringComparer.Ordinal);
        var objects = new List<object>(_objectCount);
        foreach (var (path, file) in _files.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            problems.AddRange(file.Problems);
            for (var i = 0; i < file.Objects.Length; i++)
            {
                var (o, identity) = (file.Objects[i], file.Identities[i]);
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

        // The dictionary itself is handed over: a new one is built each pass, and nothing writes it after this.
        _objectCount = objects.Count;
        return (ClusterObjects.From(objects) with { Origins = seen }, problems);
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

    /// <summary>A file's objects as read, with each one's identity (computed once per read, not once per merge).</summary>
    private sealed record ManifestFileState((long Length, DateTime WrittenAt, string? Refusal) Stamp, ImmutableArray<object> Objects, ImmutableArray<ObjectProblem> Problems)
    {
        public ImmutableArray<string> Identities { get; } = [.. Objects.Select(IdentityOf)];
    }

    /// <summary>A folder entry: the file read (a link's target), its size and write time, or why it is not read.</summary>
    private sealed record Entry(string Path, string Target, long Size, DateTime WrittenAt, string? Refusal);

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
