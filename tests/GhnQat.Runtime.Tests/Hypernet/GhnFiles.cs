// GHN files for the Hypernet tests: the committed golden folders, edited copies of a checkpoint, seeded random GHNs.
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using GhnQat.Runtime.IO;

namespace GhnQat.Runtime.Tests.Hypernet;

/// <summary>A checkpoint held in memory as tensors + metadata, so a test can change one thing and write it back.</summary>
internal sealed class GhnFiles
{
    private GhnFiles(Dictionary<string, (long[] Shape, float[] Values)> tensors, Dictionary<string, string> metadata)
    {
        Tensors = tensors;
        Metadata = metadata;
    }

    public Dictionary<string, (long[] Shape, float[] Values)> Tensors { get; }
    public Dictionary<string, string> Metadata { get; }

    /// <summary>Every Fixtures/golden-*/ folder copied next to the test assembly (each: ghn.safetensors + nets).</summary>
    public static IReadOnlyList<string> GoldenFolders()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "Fixtures");
        return Directory.Exists(root)
            ? Directory.GetDirectories(root, "golden-*").Where(d => File.Exists(Path.Combine(d, "ghn.safetensors"))).Order(StringComparer.Ordinal).ToArray()
            : [];
    }

    /// <summary>The tiny trainer-written GHN (hidden 8, max 16, kernel 3).</summary>
    public static string TinyGhnPath => Path.Combine(AppContext.BaseDirectory, "Fixtures", "golden-tiny", "ghn.safetensors");

    /// <summary>Reads every tensor (as float32) and the metadata of <paramref name="path"/>.</summary>
    public static GhnFiles Read(string path)
    {
        using var file = SafetensorsFile.Open(path);
        var tensors = file.Tensors.ToDictionary(t => t.Name, t => (t.GetShapeArray(), file.ReadFloat32(t.Name)), StringComparer.Ordinal);
        return new GhnFiles(tensors, new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal));
    }

    /// <summary>A GHN of <paramref name="config"/> with seeded weights: torch's default Linear init U(±1/√in) and N(0, 1)
    /// embeddings, so states and predictions have realistic magnitudes.</summary>
    public static GhnFiles Random(GhnConfig config, ulong seed)
    {
        var vocabulary = GraphVocabulary.CreateGhn2(config.Classes);
        var rng = new Random((int)seed);
        var tensors = new Dictionary<string, (long[], float[])>(StringComparer.Ordinal);
        foreach (var (name, shape) in GhnWeights.ExpectedTensors(config, vocabulary))
        {
            var values = new float[shape.Aggregate(1L, (a, b) => a * b)];
            bool embedding = name.StartsWith("op_embed", StringComparison.Ordinal) || name.StartsWith("shape_", StringComparison.Ordinal);
            bool norm = name.StartsWith("norm.", StringComparison.Ordinal);
            double bound = 1.0 / Math.Sqrt(shape.Length == 2 ? shape[1] : values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = norm ? (name.EndsWith("weight", StringComparison.Ordinal) ? 1f + (0.1f * (float)rng.NextDouble()) : 0.1f * (float)rng.NextDouble())
                    : embedding ? (float)(Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()))
                    : (float)(bound * ((2 * rng.NextDouble()) - 1));
            }
            tensors[GhnWeights.Prefix + name] = (shape, values);
        }
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [SafetensorsMetadataKeys.Format] = Ghn.ModelFormat,
            [Ghn.ConfigKey] = config.ToJson(),
            [Ghn.VocabularyKey] = vocabulary.ToJson(),
        };
        return new GhnFiles(tensors, metadata);
    }

    /// <summary>The safetensors bytes of the current tensors and metadata.</summary>
    public byte[] ToBytes()
    {
        var writer = new SafetensorsWriter();
        foreach (var (name, (shape, values)) in Tensors) writer.AddFloat32(name, shape, values);
        foreach (var (key, value) in Metadata) writer.SetMetadata(key, value);
        return writer.ToArray();
    }

    /// <summary>Loads the current state as a GHN (throws what <see cref="Ghn.Read"/> throws).</summary>
    public Ghn Load(string name = "<edited ghn>")
    {
        using var file = SafetensorsFile.FromMemory(ToBytes(), name);
        return Ghn.Read(file);
    }
}
