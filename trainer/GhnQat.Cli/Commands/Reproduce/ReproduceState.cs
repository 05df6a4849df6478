// The run folder's reproduce.json: the options the run was started with and, per stage, its status, the commands it
// ran, and the SHA-256 of its outputs and of the inputs it was run on. Written atomically after every change.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.IO;

namespace GhnQat.Cli.Reproduce;

/// <summary>State of one reproduce run folder (format <see cref="FormatName"/>).</summary>
internal sealed class ReproduceState
{
    /// <summary>The format tag; another value is refused with a hint.</summary>
    public const string FormatName = "ghnqat.reproduce/1";

    /// <summary>File name inside the run folder.</summary>
    public const string FileName = "reproduce.json";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Paths and "+dirty" stay readable; the file is never embedded in HTML.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string Format { get; set; } = FormatName;

    /// <summary>The options that decide what the stages compute ("--preset" → "small"); a rerun must give the same.</summary>
    public Dictionary<string, string> Options { get; set; } = [];

    public string Created { get; set; } = "";

    public string Commit { get; set; } = "";

    public Dictionary<string, StageRecord> Stages { get; set; } = [];

    /// <summary>One stage's record.</summary>
    internal sealed class StageRecord
    {
        /// <summary>"running" (started, not finished: an interrupted train/finetune resumes) or "done".</summary>
        public string Status { get; set; } = "running";

        public string Started { get; set; } = "";

        public string? Finished { get; set; }

        public double Seconds { get; set; }

        /// <summary>The ghnqat commands (or copies) as run.</summary>
        public List<string> Ran { get; set; } = [];

        /// <summary>Output path (<see cref="Key"/>: relative to the run folder) → SHA-256 (hex).</summary>
        public Dictionary<string, string> Outputs { get; set; } = [];

        /// <summary>Needed stage → its <see cref="Fingerprint"/> when this stage started.</summary>
        public Dictionary<string, string> Inputs { get; set; } = [];

        /// <summary>One hash over the output hashes: changes whenever any output's bytes do.</summary>
        [JsonIgnore]
        public string Fingerprint => Hash(string.Join('\n', Outputs.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => o.Key + " " + o.Value)));
    }

    /// <summary>The state in <paramref name="runFolder"/>, or null when the folder has none.</summary>
    public static ReproduceState? Load(string runFolder)
    {
        string path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) return null;
        ReproduceState? state;
        try
        {
            state = JsonSerializer.Deserialize<ReproduceState>(File.ReadAllText(path), Json);
        }
        catch (JsonException e)
        {
            throw new GhnQatException(GhnQatErrorCode.InvalidFile, $"{path}: not a reproduce state file ({e.Message}); move it away to start over");
        }
        if (state is null || state.Format != FormatName)
            throw new GhnQatException(GhnQatErrorCode.InvalidFile,
                $"{path}: format '{state?.Format}' is not {FormatName}; this ghnqat cannot resume it (use another --out)");
        return state;
    }

    /// <summary>Writes the state atomically (temp file + rename): a kill leaves the old or the new file, never half.</summary>
    public void Save(string runFolder) =>
        AtomicFile.Write(Path.Combine(runFolder, FileName), s => s.Write(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(this, Json) + "\n")));

    /// <summary>
    /// How an output is named in the state: relative to the run folder, so "runs/r", "runs/r/" and "/abs/runs/r" (or a
    /// moved folder) name the same files.
    /// </summary>
    public static string Key(string runFolder, string path) =>
        Path.GetRelativePath(Path.GetFullPath(runFolder), Path.GetFullPath(path));

    /// <summary>SHA-256 of a file's bytes, lower-case hex.</summary>
    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
