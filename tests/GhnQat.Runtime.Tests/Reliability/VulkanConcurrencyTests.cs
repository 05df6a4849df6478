// Concurrency (issue 8 item 5): two workers on one device, each driven by its own thread at the same time, give
// results identical to CpuReference; the shared queue is locked by the device and the validation layer (which also
// checks threading) reports nothing.
using System.Runtime.InteropServices;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Execution.Vulkan;
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Networks;
using GhnQat.Runtime.Tests.Vulkan;

namespace GhnQat.Runtime.Tests.Reliability;

[TestFixture]
[Category("Vulkan")]
public sealed class VulkanConcurrencyTests
{
    private const int JobsPerThread = 200;
    private const int Batch = 2;

    [Test]
    public void Schedule_TwoWorkersOnOneDeviceFromTwoThreads_EveryJobIdenticalToCpuReference()
    {
        QuantizedNetwork[] networks =
        [
            VulkanParity.Quantize(VulkanParity.SmallIdNet(0), "w4a4", 3500),
            VulkanParity.Quantize(VulkanParity.SmallIdNet(1), "w2a2", 3510),
        ];
        var mismatches = new int[networks.Length];
        var failures = new Exception?[networks.Length];

        VulkanTestContext.RunValidated(device =>
        {
            var workers = networks.Select(n => new VulkanWorker(device, n, new VulkanWorkerOptions { MaxBatch = Batch })).ToArray();
            try
            {
                using var start = new Barrier(networks.Length);
                var threads = Enumerable.Range(0, networks.Length).Select(t => new Thread(() =>
                {
                    try
                    {
                        start.SignalAndWait();
                        mismatches[t] = RunJobs(workers[t], seed: 3600 + t);
                    }
                    catch (Exception e)
                    {
                        failures[t] = e;
                    }
                })).ToArray();
                foreach (Thread thread in threads) thread.Start();
                foreach (Thread thread in threads) thread.Join();
            }
            finally
            {
                foreach (VulkanWorker worker in workers) worker.Dispose();
            }
        });

        Assert.That(failures, Has.All.Null, string.Join(Environment.NewLine, failures.Where(f => f is not null)));
        Assert.That(mismatches, Is.All.Zero, $"jobs of {JobsPerThread} per thread whose logits differ from CpuReference");
    }

    // Runs JobsPerThread jobs over 8 rotating image pairs; returns how many differ (bit for bit) from CpuReference.
    private static int RunJobs(VulkanWorker worker, int seed)
    {
        const int distinct = 8;
        int perJob = Batch * (int)worker.Network.Spec.Input.ElementCount;
        int classes = worker.Network.Spec.Classes;
        float[] images = TestFloatNets.Images(worker.Network.Spec.Input, distinct * Batch, seed);
        float[] expected = new CpuReference(worker.Network).Run(images, distinct * Batch).Logits;
        var logits = new float[Batch * classes];
        int mismatches = 0;
        for (int j = 0; j < JobsPerThread; j++)
        {
            int k = j % distinct;
            worker.Schedule(images.AsSpan(k * perJob, perJob), Batch).Wait();
            worker.ReadLogits(logits);
            ReadOnlySpan<float> want = expected.AsSpan(k * Batch * classes, Batch * classes);
            if (!SameBits(logits, want)) mismatches++;
        }

        return mismatches;
    }

    // Bit patterns, so −0 vs +0 or NaN payloads count as differences too.
    private static bool SameBits(ReadOnlySpan<float> a, ReadOnlySpan<float> b) =>
        MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));
}
