// MSBuild task: marks one version-need entry (e.g. GLIBCXX_3.4.32) of 64-bit little-endian ELF files VER_FLG_WEAK.
// Layouts from the ELF gABI and the GNU symbol-versioning spec (Elf64_Shdr, Elf64_Verneed, Elf64_Vernaux).
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class GhnQatMarkElfVersionNeedWeak : Task
{
    private const uint ShtGnuVerneed = 0x6ffffffe;
    private const ushort VerFlgWeak = 0x2;

    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionName { get; set; } = "";

    public override bool Execute()
    {
        foreach (var item in Files)
        {
            string path = item.ItemSpec;
            try
            {
                byte[] elf = File.ReadAllBytes(path);
                int changed = MarkWeak(elf, VersionName);
                if (changed < 0)
                {
                    Log.LogMessage(MessageImportance.Low, $"{path}: {VersionName} already weak or absent");
                    continue;
                }
                // Write a new file and rename it over the old one, so a hard link into the NuGet cache is never modified.
                string tmp = path + ".ghnqat-tmp";
                File.WriteAllBytes(tmp, elf);
                File.Delete(path);
                File.Move(tmp, path);
                Log.LogMessage(MessageImportance.High, $"Marked {VersionName} weak in {path}");
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.LogError($"Cannot patch {path}: {e.Message}");
            }
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>Returns the number of entries newly marked weak, or -1 when nothing needed to change.</summary>
    private static int MarkWeak(byte[] elf, string versionName)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = U64(elf, 0x28);
        int shentsize = U16(elf, 0x3A);
        int shnum = U16(elf, 0x3C);
        int changed = 0;
        for (int i = 0; i < shnum; i++)
        {
            int sh = Checked(elf, shoff + (ulong)(i * shentsize), 64);
            if (U32(elf, sh + 4) != ShtGnuVerneed) continue;
            ulong secOff = U64(elf, sh + 0x18);
            uint link = U32(elf, sh + 0x28);
            int strSh = Checked(elf, shoff + (ulong)(link * shentsize), 64);
            ulong strOff = U64(elf, strSh + 0x18);
            ulong strSize = U64(elf, strSh + 0x20);

            ulong need = secOff;
            for (int guard = 0; guard < 4096; guard++)
            {
                int vn = Checked(elf, need, 16);
                int cnt = U16(elf, vn + 2);
                ulong aux = need + U32(elf, vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    int va = Checked(elf, aux, 16);
                    uint nameOff = U32(elf, va + 8);
                    if (nameOff < strSize && ReadCString(elf, strOff + nameOff) == versionName)
                    {
                        ushort flags = U16(elf, va + 4);
                        if ((flags & VerFlgWeak) == 0)
                        {
                            flags |= VerFlgWeak;
                            elf[va + 4] = (byte)flags;
                            elf[va + 5] = (byte)(flags >> 8);
                            changed++;
                        }
                    }
                    uint nextAux = U32(elf, va + 12);
                    if (nextAux == 0) break;
                    aux += nextAux;
                }
                uint next = U32(elf, vn + 12);
                if (next == 0) break;
                need += next;
            }
        }
        return changed > 0 ? changed : -1;
    }

    private static int Checked(byte[] b, ulong offset, int size)
    {
        if (offset > (ulong)b.Length || (ulong)b.Length - offset < (ulong)size)
            throw new InvalidDataException($"ELF structure at offset {offset} is outside the file");
        return (int)offset;
    }

    private static string ReadCString(byte[] b, ulong offset)
    {
        int start = Checked(b, offset, 1);
        int end = Array.IndexOf(b, (byte)0, start);
        if (end < 0) throw new InvalidDataException("unterminated ELF string");
        return Encoding.ASCII.GetString(b, start, end - start);
    }

    private static ushort U16(byte[] b, int o) => BitConverter.ToUInt16(b, o);
    private static uint U32(byte[] b, int o) => BitConverter.ToUInt32(b, o);
    private static ulong U64(byte[] b, int o) => BitConverter.ToUInt64(b, o);
}
