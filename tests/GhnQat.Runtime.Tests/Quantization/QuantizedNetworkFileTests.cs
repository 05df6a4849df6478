// Saved quantized networks: bit-exact round trips for every scheme, the packed weight layout, and hostile files
// (tampered tensors or metadata, random byte flips) failing with InvalidFile.
using System.Text.Json;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Calibration;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.IO;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Quantization.Packing;
using GhnQat.Runtime.Tests.IO;
using GhnQat.Runtime.Tests.Networks;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class QuantizedNetworkFileTests
{
    private static QuantizedNetwork Sampled(ArchSplit split, QuantScheme scheme)
    {
        var spec = ArchSpace.Sample(split, 3, 21).MinBy(s => s.Macs)!;
        var net = TestFloatNets.RandomWithBiases(spec, 22 + (int)split);
        return Quantizer.Quantize(net, Calibrator.Calibrate(net, TestFloatNets.Images(spec.Input, 4, 23), 4), scheme);
    }

    private static QuantizedNetwork Load(byte[] bytes) => QuantizedNetwork.Read(SafetensorsFile.FromMemory(bytes, "test.safetensors"));

    [Test]
    public void SaveLoad_SampledNetsEveryScheme_RoundTripsBitForBit(
        [Values(ArchSplit.Id, ArchSplit.Dense, ArchSplit.BnFree)] ArchSplit split, [Values("w8a8", "w4a8", "w4a4", "w2a2")] string scheme)
    {
        var q = Sampled(split, QuantScheme.Parse(scheme));
        byte[] bytes = q.ToWriter().ToArray();

        var back = Load(bytes);

        Assert.That(back.ToWriter().ToArray(), Is.EqualTo(bytes), "re-saving the loaded network changes the file");
        Assert.That(back.Tensors, Is.EqualTo(q.Tensors));
        foreach (var (a, b) in q.Layers.Zip(back.Layers))
        {
            var (wa, wb) = (Weights(a), Weights(b));
            Assert.That(wb, Is.EqualTo(wa), a.Name);
        }
        float[] images = TestFloatNets.Images(q.Spec.Input, 2, 24);
        var (ra, rb) = (new CpuReference(q).Run(images, 2, keepCodes: true), new CpuReference(back).Run(images, 2, keepCodes: true));
        Assert.That(rb.Logits, Is.EqualTo(ra.Logits));
        foreach (var (id, codes) in ra.Codes) Assert.That(rb.Codes[id], Is.EqualTo(codes), id);
    }

    [Test]
    public void SaveLoad_RowLengthsAroundWordBoundaries_RoundTripWithZeroPadding(
        [Values(1, 3, 7, 8, 9, 31, 32, 33)] int rowLength, [Values(8, 4, 2)] int bits)
    {
        // A 1×1 conv over rowLength channels: each weight row holds exactly rowLength codes.
        var b = new ArchSpecBuilder("rows", new ActivationShape(rowLength, 2, 2), 3);
        b.Linear("fc", b.Gap("g", b.Conv("c", "input", 5, 1, bias: true)), 3);
        var net = TestFloatNets.RandomWithBiases(b.Build(), 40 + rowLength);
        var scheme = new QuantScheme(bits, bits, firstLayerBits: bits, classifierBits: bits);
        var q = Quantizer.Quantize(net, Calibrator.Calibrate(net, TestFloatNets.Images(net.Spec.Input, 2, 41), 2), scheme);
        byte[] bytes = q.ToWriter().ToArray();
        using var file = SafetensorsFile.FromMemory(bytes);
        var words = new uint[file.GetTensor("c.weight").ElementCount];
        file.ReadUInt32("c.weight", words);

        var back = Load(bytes);

        int perRow = PackedLayout.WordCount(bits, rowLength);
        for (int r = 0; r < 5; r++) Assert.That(PackedLayout.IsPaddingZero(bits, rowLength, words.AsSpan(r * perRow, perRow)), Is.True, $"row {r}");
        Assert.That(((QConvLayer)back.Layers[0]).Weights, Is.EqualTo(((QConvLayer)q.Layers[0]).Weights));
        Assert.That(back.Classifier.Weights, Is.EqualTo(q.Classifier.Weights));
    }

    [Test]
    public void Save_ToPath_LoadReturnsTheSameNetwork()
    {
        var q = Sampled(ArchSplit.Id, QuantScheme.W4A4);
        using var temp = new TempFolder();
        string path = temp.File("net.safetensors");

        q.Save(path, new Dictionary<string, string> { [SafetensorsMetadataKeys.Dataset] = "generated" });
        var back = QuantizedNetwork.Load(path);

        Assert.That(back.ToWriter().ToArray(), Is.EqualTo(q.ToWriter().ToArray()));
        using var file = SafetensorsFile.Open(path);
        Assert.That(file.Metadata[SafetensorsMetadataKeys.Dataset], Is.EqualTo("generated"));
        Assert.That(file.Metadata[QuantizedNetworkFile.SchemeKey], Is.EqualTo("w4a4"));
    }

    [Test]
    public void Save_TwoBitConv_StoresEachRowAsTwoBitPlanes()
    {
        var q = Sampled(ArchSplit.Id, QuantScheme.W2A2);
        var conv = q.Layers.OfType<QConvLayer>().First(c => c.WeightBits == 2);
        int row = conv.Weights.Length / conv.OutChannels;
        using var file = SafetensorsFile.FromMemory(q.ToWriter().ToArray());

        var info = file.GetTensor(conv.Name + ".weight");
        var words = new uint[info.ElementCount];
        file.ReadUInt32(conv.Name + ".weight", words);

        int perRow = PackedLayout.WordCount(2, row);
        Assert.That(info.Shape, Is.EqualTo(new long[] { conv.OutChannels, perRow }));
        for (int o = 0; o < conv.OutChannels; o++)
        {
            var expected = new uint[perRow];
            TwoBitPlanePacking.Pack(conv.Weights.Skip(o * row).Take(row).Select(v => (int)v).ToArray(), true, expected);
            Assert.That(words.Skip(o * perRow).Take(perRow), Is.EqualTo(expected), $"row {o}");
        }
    }

    [TestCase("format", "run `ghnqat predict` again")]
    [TestCase("scheme", "w5a5")]
    [TestCase("archspec", "ghnqat.archspec")]
    [TestCase("packing", "nibbles")]
    [TestCase("tensors-json", "ghnqat.tensors")]
    [TestCase("tensor-scale-zero", "positive normal")]
    [TestCase("tensor-wrong-id", "'image'")]
    [TestCase("multiplier", "multiplier of channel 0")]
    [TestCase("weight-padding", "nonzero padding")]
    [TestCase("two-bit-minus-two", "weight code -2")]
    [TestCase("bias-nan", "not a finite float32")]
    [TestCase("bias-dtype", "expected F32")]
    [TestCase("missing-tensor", "is missing")]
    [TestCase("extra-tensor", "'evil' is not part")]
    public void Load_TamperedFile_ThrowsInvalidFileSayingWhy(string tamper, string reason)
    {
        var q = Sampled(ArchSplit.Id, QuantScheme.W2A2);
        // For the padding case, a 2-bit conv whose rows do not fill whole 32-element groups, so the last lane is padding.
        var conv = tamper == "weight-padding"
            ? q.Layers.OfType<QConvLayer>().First(c => c.WeightBits == 2 && c.Weights.Length / c.OutChannels % 32 != 0)
            : q.Layers.OfType<QConvLayer>().Last();
        byte[] bytes = Tamper(q.ToWriter().ToArray(), conv, tamper);

        var e = Assert.Throws<GhnQatException>(() => Load(bytes));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidFile), e.Message);
        Assert.That(e.Message, Does.StartWith("test.safetensors").And.Contain(reason));
    }

    [Test]
    public void Load_RandomByteFlips_LoadOrThrowOnlyGhnQatException()
    {
        byte[] bytes = Sampled(ArchSplit.Id, QuantScheme.W4A4).ToWriter().ToArray();
        var rng = new Random(31);
        int loaded = 0, rejected = 0;

        for (int trial = 0; trial < 150; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[rng.Next(copy.Length)] ^= (byte)(1 << rng.Next(8));
            try
            {
                Load(copy);
                loaded++;
            }
            catch (GhnQatException)
            {
                rejected++;
            }
        }

        // Any other exception type escapes and fails the test; flips in weight codes can load (no checksum).
        Assert.That(loaded + rejected, Is.EqualTo(150));
        Assert.That(rejected, Is.GreaterThan(0));
    }

    private static int[] Weights(QLayer layer) => layer switch
    {
        QConvLayer c => [.. c.Weights.Select(v => (int)v), .. c.Bias.Select(BitConverter.SingleToInt32Bits)],
        QLinearLayer f => [.. f.Weights.Select(v => (int)v), .. f.Bias.Select(BitConverter.SingleToInt32Bits)],
        _ => [],
    };

    // Copies the file tensor by tensor through the writer, applying one named change.
    private static byte[] Tamper(byte[] original, QConvLayer conv, string tamper)
    {
        using var file = SafetensorsFile.FromMemory(original);
        var writer = new SafetensorsWriter();
        foreach (var (k, v) in file.Metadata) writer.SetMetadata(k, v);
        string weight = conv.Name + ".weight", bias = conv.Name + ".bias", multiplier = conv.Name + ".multiplier";
        foreach (var t in file.Tensors)
        {
            byte[] data = file.ReadBytes(t.Name);
            var dtype = t.DType;
            if (tamper == "missing-tensor" && t.Name == bias) continue;
            if (tamper == "bias-dtype" && t.Name == bias) dtype = SafetensorsDType.U32;
            if (tamper == "multiplier" && t.Name == multiplier) BitConverter.GetBytes(BitConverter.ToSingle(data) * 1.5f).CopyTo(data, 0);
            if (tamper == "bias-nan" && t.Name == bias) BitConverter.GetBytes(float.NaN).CopyTo(data, 0);
            if (tamper == "weight-padding" && t.Name == weight) data[^1] |= 0x80;   // lane 31 of the last row's plane 1
            if (tamper == "two-bit-minus-two" && t.Name == weight)
            {
                data[0] &= 0xFE;   // plane 0, element 0 → 0
                data[4] |= 0x01;   // plane 1, element 0 → 1: code −2, outside the narrow range
            }
            writer.Add(t.Name, dtype, t.GetShapeArray(), data);
        }
        if (tamper == "extra-tensor") writer.AddInt32("evil", [1], [0]);
        string json = file.Metadata[QuantizedNetworkFile.TensorsKey];
        switch (tamper)
        {
            case "format": writer.SetMetadata(SafetensorsMetadataKeys.Format, "ghnqat.quantized-network/1"); break;
            case "scheme": writer.SetMetadata(QuantizedNetworkFile.SchemeKey, "w5a5"); break;
            case "archspec": writer.SetMetadata(QuantizedNetworkFile.ArchSpecKey, "{\"schema\": 1}"); break;
            case "packing": writer.SetMetadata(QuantizedNetworkFile.PackingKey, "nibbles"); break;
            case "tensors-json": writer.SetMetadata(QuantizedNetworkFile.TensorsKey, "[1, 2"); break;
            case "tensor-scale-zero": writer.SetMetadata(QuantizedNetworkFile.TensorsKey, EditFirstTensor(json, "scale", 0)); break;
            case "tensor-wrong-id": writer.SetMetadata(QuantizedNetworkFile.TensorsKey, json.Replace("\"id\":\"input\"", "\"id\":\"image\"", StringComparison.Ordinal)); break;
        }
        return writer.ToArray();
    }

    private static string EditFirstTensor(string json, string key, double value)
    {
        var list = JsonSerializer.Deserialize<List<Dictionary<string, JsonElement>>>(json)!;
        list[0][key] = JsonSerializer.SerializeToElement(value);
        return JsonSerializer.Serialize(list);
    }
}
