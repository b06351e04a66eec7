namespace IngressFleet.Sources.ManifestFolder;

/// <summary>What a directory entry is, as <c>stat</c> tells it.</summary>
internal enum FileKind
{
    Missing,
    Regular,
    Directory,
    SymbolicLink,
    Fifo,
    CharacterDevice,
    BlockDevice,
    Socket,
    Unknown,
}
