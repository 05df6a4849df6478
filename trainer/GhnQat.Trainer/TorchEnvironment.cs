// Torch set-up shared by every trainer entry point: thread count and a clear error when libtorch cannot load.
using TorchSharp;

namespace GhnQat.Trainer;

/// <summary>Initializes TorchSharp once per process.</summary>
public static class TorchEnvironment
{
    /// <summary>Loads libtorch and sets the intra-op thread count (0 keeps torch's default).</summary>
    public static void Initialize(int threads = 0)
    {
        if (threads > 0) torch.set_num_threads(threads);
        torch.InitializeDeviceType(DeviceType.CPU);
    }
}
