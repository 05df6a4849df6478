// GPU parity of shaders/pack.comp against the C# packing reference, word for word and element for element,
// over odd lengths, every width and both signednesses, under the validation layer.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Quantization.Packing;
using GhnQat.Runtime.Tests.Quantization;

namespace GhnQat.Runtime.Tests.Vulkan;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanPackKernelTests
{
    private static readonly int[] Lengths = [1, 13, 33, 1000, 4097];

    [Test]
    public void Pack_OddLengths_MatchesCpuReferenceWordForWord([Values(4, 2, 8)] int bits, [Values] bool isSigned)
    {
        var rng = new Random(8100 + (bits * 10) + (isSigned ? 1 : 0));
        VulkanTestContext.RunValidated(device =>
        {
            using var runner = new VulkanCommandRunner(device);
            using var packer = new VulkanCodePacker(device, bits, isSigned);
            foreach (int n in Lengths)
            {
                int[] codes = PackingTests.RandomCodes(rng, bits, isSigned, n);
                var expected = new uint[PackedLayout.WordCount(bits, n)];
                CodePacking.Pack(bits, isSigned, codes, expected);

                using var codeBuffer = new VulkanBuffer(device, (ulong)n * sizeof(int), VulkanBufferUsage.Storage);
                using var wordBuffer = new VulkanBuffer(device, (ulong)expected.Length * sizeof(uint), VulkanBufferUsage.Storage);
                codeBuffer.Upload<int>(codes);
                wordBuffer.Upload<uint>(Enumerable.Repeat(0xDEADBEEFu, expected.Length).ToArray());   // catch unwritten words
                packer.Pack(runner, codeBuffer, wordBuffer, n);
                var actual = new uint[expected.Length];
                wordBuffer.Download<uint>(actual);

                AssertSame(expected, actual, $"pack_b{bits} signed={isSigned} n={n}");
            }
        });
    }

    [Test]
    public void Unpack_OddLengths_MatchesCpuReferenceElementForElement([Values(4, 2, 8)] int bits, [Values] bool isSigned)
    {
        var rng = new Random(8200 + (bits * 10) + (isSigned ? 1 : 0));
        VulkanTestContext.RunValidated(device =>
        {
            using var runner = new VulkanCommandRunner(device);
            using var packer = new VulkanCodePacker(device, bits, isSigned);
            foreach (int n in Lengths)
            {
                int[] expected = PackingTests.RandomCodes(rng, bits, isSigned, n);
                var words = new uint[PackedLayout.WordCount(bits, n)];
                CodePacking.Pack(bits, isSigned, expected, words);

                using var wordBuffer = new VulkanBuffer(device, (ulong)words.Length * sizeof(uint), VulkanBufferUsage.Storage);
                using var codeBuffer = new VulkanBuffer(device, (ulong)n * sizeof(int), VulkanBufferUsage.Storage);
                wordBuffer.Upload<uint>(words);
                codeBuffer.Upload<int>(Enumerable.Repeat(int.MinValue, n).ToArray());   // catch unwritten elements
                packer.Unpack(runner, wordBuffer, codeBuffer, n);
                var actual = new int[n];
                codeBuffer.Download<int>(actual);

                AssertSame(expected, actual, $"unpack_b{bits} signed={isSigned} n={n}");
            }
        });
    }

    [Test]
    public void Upload_ForcedStagingPath_RoundTripsThroughDeviceCopies()
    {
        var rng = new Random(8300);
        VulkanTestContext.RunValidated(device =>
        {
            // An unmapped storage buffer takes the discrete-GPU path (staging buffer + vkCmdCopyBuffer) even on lavapipe.
            using var buffer = new VulkanBuffer(device, 4096, VulkanBufferUsage.Storage, allowHostMapping: false);
            var data = new uint[1000];
            for (int i = 0; i < data.Length; i++)
            {
                data[i] = (uint)rng.Next();
            }

            buffer.Upload<uint>(data, offsetBytes: 8);
            var back = new uint[data.Length];
            buffer.Download<uint>(back, offsetBytes: 8);

            Assert.That(buffer.IsHostVisible, Is.False);
            Assert.That(back, Is.EqualTo(data));
        });
    }

    [Test]
    public void Dispatch_PipelineWithoutBoundBuffers_ThrowsInvalidArgument()
    {
        VulkanTestContext.RunValidated(device =>
        {
            using var runner = new VulkanCommandRunner(device);
            using var pipeline = new ComputePipeline(device, "pack_b4", 2, sizeof(uint), [SpecializationConstant.FromUInt(0, 64)]);

            uint n = 1;

            var e = Assert.Throws<GhnQatException>(() => runner.Dispatch(pipeline, in n, 1));

            Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
            Assert.That(e.Message, Does.Contain("BindBuffers"));
        });
    }

    private static void AssertSame<T>(T[] expected, T[] actual, string what)
        where T : IEquatable<T>
    {
        // Report the first mismatches (llm.c style) rather than one unreadable array diff.
        var mismatches = new List<string>();
        for (int i = 0; i < expected.Length && mismatches.Count < 8; i++)
        {
            if (!expected[i].Equals(actual[i]))
            {
                mismatches.Add($"[{i}] expected {expected[i]:X} got {actual[i]:X}");
            }
        }

        Assert.That(mismatches, Is.Empty, $"{what}: first mismatches: {string.Join("; ", mismatches)}");
    }
}
