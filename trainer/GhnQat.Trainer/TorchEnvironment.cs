// Torch set-up shared by every trainer entry point: thread count, device choice and a clear error when absent.
using GhnQat.Runtime.Errors;
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer;

/// <summary>Initializes TorchSharp once per process and holds the device training runs on.</summary>
public static class TorchEnvironment
{
    /// <summary>The device models and batches live on (CPU unless <see cref="Initialize"/> chose CUDA).</summary>
    public static Device Device { get; private set; } = CPU;

    /// <summary>
    /// CPU threads the caller asked for (<see cref="Initialize"/>; default: all cores). Training uses them to run
    /// that many target nets of a meta-batch at once, each on one intra-op thread (docs/training.md, "Speed").
    /// </summary>
    public static int Threads { get; private set; } = Environment.ProcessorCount;

    /// <summary>Loads libtorch, sets the intra-op thread count (0 keeps torch's default) and picks the device.</summary>
    /// <param name="threads">Intra-op threads; 0 = torch's default.</param>
    /// <param name="device">"cpu" or "cuda"; CUDA needs a CUDA build of libtorch (-p:TorchBackend=cuda) and a GPU.</param>
    public static void Initialize(int threads = 0, string device = "cpu")
    {
        if (threads > 0) torch.set_num_threads(threads);
        Threads = threads > 0 ? threads : Environment.ProcessorCount;
        torch.InitializeDeviceType(DeviceType.CPU);
        switch (device?.Trim().ToLowerInvariant())
        {
            case "cpu":
                Device = CPU;
                break;
            case "cuda":
                if (!cuda.is_available())
                    throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                        "--device cuda: no CUDA device or this build uses the CPU libtorch (rebuild with -p:TorchBackend=cuda)");
                Device = CUDA;
                break;
            default:
                throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"unknown device '{device}'; expected cpu or cuda");
        }
    }
}
