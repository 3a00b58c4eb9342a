using System.Buffers.Binary;
using System.Text;

namespace Probing.ToyModels.Tests;

/// <summary>An independent reader of ELF64 .gnu.version_r entries, to check the build's patch.</summary>
internal static class ElfVersionNeeds
{
    private const uint ShtGnuVerneed = 0x6FFFFFFE;

    /// <summary>(name, vna_flags, file offset of vna_flags) of every Vernaux entry.</summary>
    public static List<(string Name, ushort Flags, int FlagsOffset)> Read(byte[] elf)
    {
        Assert.True(elf.Length > 64 && elf[0] == 0x7F && elf[1] == (byte)'E' && elf[4] == 2, "not an ELF64 file");
        var shoff = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        var shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        var shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        (uint Type, int Offset, int Link, int Info) Section(int i)
        {
            var s = elf.AsSpan(shoff + i * shentsize);
            return (BinaryPrimitives.ReadUInt32LittleEndian(s[4..]), (int)BinaryPrimitives.ReadUInt64LittleEndian(s[24..]),
                (int)BinaryPrimitives.ReadUInt32LittleEndian(s[40..]), (int)BinaryPrimitives.ReadUInt32LittleEndian(s[44..]));
        }
        var result = new List<(string, ushort, int)>();
        for (var i = 0; i < shnum; i++)
        {
            var sec = Section(i);
            if (sec.Type != ShtGnuVerneed) continue;
            var strtab = Section(sec.Link).Offset;
            var entry = sec.Offset;
            for (var n = 0; n < sec.Info; n++)
            {
                var count = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(entry + 2));
                var aux = entry + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(entry + 8));
                for (var k = 0; k < count; k++)
                {
                    var flags = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4));
                    var nameOff = strtab + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8));
                    var end = Array.IndexOf(elf, (byte)0, nameOff);
                    result.Add((Encoding.ASCII.GetString(elf, nameOff, end - nameOff), flags, aux + 4));
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
                }
                entry += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(entry + 12));
            }
        }
        return result;
    }

    /// <summary>Whether the host's libstdc++ defines a version (its name NUL-delimited in the file).</summary>
    public static bool HostHas(string version)
    {
        foreach (var path in new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6" })
            if (File.Exists(path))
                return File.ReadAllBytes(path).AsSpan().IndexOf(Encoding.ASCII.GetBytes("\0" + version + "\0")) >= 0;
        return false;
    }

    /// <summary>The repository root (holds build/weaken_glibcxx.py), found upwards from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "build", "weaken_glibcxx.py"))) return dir.FullName;
        throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
    }
}
