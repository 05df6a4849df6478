// `tests`: the Vulkan tests of GhnQat.Runtime.Tests, run as they are by NUnit's own assembly runner (no test host,
// no .NET SDK): op families × bit widths, worker, pack kernel, validation; each test fails on any validation message.
using System.Globalization;
using System.Security;
using GhnQat.Runtime.Errors;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

namespace GhnQat.DeviceCheck;

/// <summary>
/// Runs the [Category("Vulkan")] tests but lavapipe's listing and the samples' smoke tests (and, unless --quick, the
/// [Explicit] 20-ID-net test); writes NUnit's result XML. <c>--shard K/N</c> runs the K-th of N contiguous slices of
/// those test cases (K from 0), so a script can run each slice in a fresh process: on NVIDIA drivers (H100 and H200,
/// driver 580.159.04) vkCreateInstance fails with VK_ERROR_INCOMPATIBLE_DRIVER after ~29 instance/device cycles in
/// one process (docs/vulkan.md), and every test makes its own.
/// </summary>
internal static class VulkanTestRun
{
    // The [Explicit] test that is also run when not --quick: 20 ID nets × 4 schemes, every layer against CpuReference.
    private const string TwentyIdNets = "GhnQat.Runtime.Tests.Vulkan.VulkanWorkerTests.Schedule_TwentyIdNets_EveryLayerBitExactWithCpuReference";

    // Checks how lavapipe is listed, so it fails (GHNQAT_REQUIRE_VULKAN=1) where there is none, as on a GPU machine:
    // never run here, so that the rehearsal on lavapipe and the GPU run use one filter.
    private const string LavapipeListing = "GhnQat.Runtime.Tests.Vulkan.VulkanDeviceTests.PhysicalDevices_LavapipeOnly_ListedAsCpuDeviceAndChosenByDefault";

    public static int Run(CheckArgs args)
    {
        bool quick = args.Flag("quick"), list = args.Flag("list");
        string result = args.Text("result") ?? "tests.xml";
        (int index, int count)? shard = ParseShard(args.Text("shard"));
        string? device = Program.DeviceName(args);
        args.RejectUnknown();
        // The tests' own switches: fail (not skip) without Vulkan; the device to use.
        Environment.SetEnvironmentVariable("GHNQAT_REQUIRE_VULKAN", "1");
        if (device is not null) Environment.SetEnvironmentVariable("GHNQAT_VULKAN_DEVICE", device);

        // The explicit test is named directly under <or>: NUnit runs an [Explicit] test only when a filter names it.
        // The samples' smoke tests (category Samples) run the repo's built sample programs, which this package lacks.
        string vulkan = $"<and><cat>Vulkan</cat><not><cat>Samples</cat></not><not><test>{LavapipeListing}</test></not></and>";
        string filterXml = quick ? $"<filter>{vulkan}</filter>" : $"<filter><or>{vulkan}<test>{TwentyIdNets}</test></or></filter>";
        var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
        runner.Load(typeof(Runtime.Tests.Vulkan.VulkanOpParityTests).Assembly, new Dictionary<string, object>());
        if (shard is { } sh)
        {
            var all = new List<string>();
            Collect(runner.ExploreTests(TestFilter.FromXml(filterXml)), all);
            int from = all.Count * sh.index / sh.count, to = all.Count * (sh.index + 1) / sh.count;
            var names = all.Skip(from).Take(to - from).Select(n => $"<test>{SecurityElement.Escape(n)}</test>");
            // A shard with no test case gets a filter that matches nothing, so it passes with 0 tests run.
            filterXml = to > from ? $"<filter><or>{string.Concat(names)}</or></filter>" : "<filter><test>(none)</test></filter>";
            Console.Out.WriteLine($"shard {sh.index}/{sh.count}: test cases {from}..{to - 1} of {all.Count}");
        }
        ITestFilter filter = TestFilter.FromXml(filterXml);
        Console.Out.WriteLine($"tests: {runner.CountTestCases(filter)} test cases match {filterXml}");
        if (list) return Program.ExitOk;

        ITestResult outcome = runner.Run(new ConsoleListener(Console.Out), filter);
        File.WriteAllText(result, outcome.ToXml(true).OuterXml);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.PassCount} passed, {outcome.FailCount} failed, {outcome.SkipCount + outcome.InconclusiveCount} skipped ({outcome.Duration:F1} s); {result}"));
        bool emptyShard = shard is not null && outcome.PassCount + outcome.FailCount == 0;
        return outcome.FailCount == 0 && (outcome.PassCount > 0 || emptyShard) ? Program.ExitOk : Program.ExitCheckFailed;
    }

    // "K/N" with 0 ≤ K < N, or null.
    private static (int, int)? ParseShard(string? text)
    {
        if (text is null) return null;
        string[] parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int k)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 && k < n)
            return (k, n);
        throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"--shard must be K/N with 0 ≤ K < N, got '{text}'");
    }

    // Full names of the test cases under test, in the runner's order.
    private static void Collect(ITest test, List<string> names)
    {
        if (!test.IsSuite) { names.Add(test.FullName); return; }
        foreach (var child in test.Tests) Collect(child, names);
    }

    /// <summary>One line per finished test case and the message of each failure, on the console the run started with
    /// (NUnit redirects Console.Out while a test runs).</summary>
    private sealed class ConsoleListener(TextWriter console) : ITestListener
    {
        public void TestStarted(ITest test) { }

        public void TestFinished(ITestResult result)
        {
            if (result.Test.IsSuite) return;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {result.ResultState.Status,-8} {result.Duration,7:F2} s  {result.FullName}"));
            if (result.ResultState.Status == TestStatus.Failed) console.WriteLine($"    {result.Message}".TrimEnd());
        }

        public void TestOutput(TestOutput output) => console.Write(output.Text);

        public void SendMessage(TestMessage message) { }
    }
}
