// Proves libtorch loads on this OS (the GLIBCXX fix of design §8) and autograd works end to end.
using GhnQat.Trainer;
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Torch;

public class TorchLoadTests
{
    [Test]
    public void TinyConvNet_ForwardBackward_GivesFiniteGradients()
    {
        TorchEnvironment.Initialize(threads: 1);
        using var scope = NewDisposeScope();
        manual_seed(7);
        var x = randn(2, 1, 8, 8);
        var w = randn(4, 1, 3, 3).requires_grad_(true);
        var y = nn.functional.relu(nn.functional.conv2d(x, w, padding: [1, 1]));
        var loss = y.square().mean();
        loss.backward();

        var grad = w.grad!;
        Assert.That(grad.shape, Is.EqualTo(new long[] { 4, 1, 3, 3 }));
        Assert.That(isfinite(grad).all().item<bool>(), Is.True);
        Assert.That(grad.abs().sum().item<float>(), Is.GreaterThan(0f));
    }

    [Test]
    public void PatchedLibrary_OutputCopyWeak_NuGetCacheUntouched()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        string cache = Path.Combine(
            Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
            "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.That(File.Exists(output), Is.True, $"expected {output}");
        Assert.That(GlibcxxFlags(output), Is.EqualTo("WEAK"));
        if (File.Exists(cache)) Assert.That(GlibcxxFlags(cache), Is.EqualTo("none"));
    }

    private static string GlibcxxFlags(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("readelf", ["-V", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var line = text.Split('\n').First(l => l.Contains("Name: GLIBCXX_3.4.32", StringComparison.Ordinal));
        return line[(line.IndexOf("Flags: ", StringComparison.Ordinal) + 7)..].Split(' ', 2)[0];
    }
}
