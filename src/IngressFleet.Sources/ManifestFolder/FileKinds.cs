using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace IngressFleet.Sources.ManifestFolder;

/// <summary>
/// The kind and size of a file without opening it. Opening a FIFO blocks until a writer comes, and a
/// device can be endless, so the manifest folder must know what an entry is before reading it; .NET tells
/// links and directories apart but not FIFOs, sockets and devices, so Linux's <c>statx</c> is asked, whose
/// layout is the same on every architecture.
/// </summary>
internal static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;

    /// <summary>The entry at <paramref name="path"/> itself (a link is reported as a link) and its size.</summary>
    public static (FileKind Kind, long Size) Of(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            var info = new FileInfo(path);
            return !info.Exists ? (FileKind.Missing, 0)
                : info.LinkTarget is not null ? (FileKind.SymbolicLink, 0)
                : (FileKind.Regular, info.Length);
        }

        var buffer = new byte[256];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxSize, buffer) != 0)
        {
            return (FileKind.Missing, 0);
        }

        var mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28));
        var size = BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(40));
        var kind = (mode & 0xF000) switch
        {
            0x8000 => FileKind.Regular,
            0x4000 => FileKind.Directory,
            0xA000 => FileKind.SymbolicLink,
            0x1000 => FileKind.Fifo,
            0x2000 => FileKind.CharacterDevice,
            0x6000 => FileKind.BlockDevice,
            0xC000 => FileKind.Socket,
            _ => FileKind.Unknown,
        };
        return (kind, size);
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, [Out] byte[] buffer);
}
