// The command tree: one AddBranch/AddCommand per noun. Each command lives in Commands/<Noun>/.
using GhnQat.Cli.Archs;
using GhnQat.Cli.Bench;
using GhnQat.Cli.BenchPredict;
using GhnQat.Cli.BenchTrain;
using GhnQat.Cli.Demo;
using GhnQat.Cli.Eval;
using GhnQat.Cli.EvalQat;
using GhnQat.Cli.Finetune;
using GhnQat.Cli.Golden;
using GhnQat.Cli.Parity;
using GhnQat.Cli.Predict;
using GhnQat.Cli.Reproduce;
using GhnQat.Cli.Run;
using GhnQat.Cli.Soak;
using GhnQat.Cli.Train;
using Spectre.Console.Cli;

namespace GhnQat.Cli;

/// <summary>Registers every ghnqat command.</summary>
internal static class Commands
{
    public static void Register(IConfigurator config)
    {
        config.AddCommand<DemoCommand>("demo")
            .WithDescription("The kit end to end: shipped GHN-QAT models predict unseen nets of every split on the device, quantized W4A8/W4A4/W2A2, run on Vulkan (else the CPU reference), checked against the CPU reference and ONNX Runtime; table + report under runs/.")
            .WithExample("demo")
            .WithExample("demo", "--nets", "10", "--images", "10000", "--out", "runs/demo-full")
            .WithExample("demo", "--backend", "cpu", "--bits", "w4a4", "--splits", "id", "--json");
        config.AddBranch("archs", archs =>
        {
            archs.SetDescription("Sample, inspect and measure architectures (ArchSpec JSON) of the mobile CNN space.");
            archs.AddCommand<ArchsSampleCommand>("sample")
                .WithDescription("Write N nets of one split as canonical ArchSpec JSON (same seed → same bytes).")
                .WithExample("archs", "sample", "--split", "train", "--count", "100", "--seed", "1", "--out", "archs/train")
                .WithExample("archs", "sample", "--split", "id", "--count", "5", "--out", "archs/id", "--json");
            archs.AddCommand<ArchsShowCommand>("show")
                .WithDescription("Validate an ArchSpec file and print its GHN-2 graph: nodes by kind, edges, virtual edges, parameters, MACs.")
                .WithExample("archs", "show", "archs/train/train-00000.json", "--detail")
                .WithExample("archs", "show", "archs/train/train-00000.json", "--json");
            archs.AddCommand<ArchsStatsCommand>("stats")
                .WithDescription("Measure parameter, MAC, depth and width ranges per split (Markdown table).")
                .WithExample("archs", "stats", "--count", "1000", "--seed", "1")
                .WithExample("archs", "stats", "--split", "wide", "--count", "100", "--json");
        });
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Train a float GHN-2 on the train split (resumable checkpoints, progress, loss curve).")
            .WithExample("train", "--preset", "small", "--threads", "2", "--out", "runs/ghn-small")
            .WithExample("train", "--resume", "runs/ghn-small/checkpoint.safetensors")
            .WithExample("train", "--preset", "tiny", "--out", "runs/ghn-tiny", "--json");
        config.AddCommand<EvalCommand>("eval")
            .WithDescription("Top-1 of GHN-predicted nets per split (GHN-2 protocol) beside random-init and SGD-1-epoch baselines; writes a report.")
            .WithExample("eval", "--ghn", "models/ghn2-small.safetensors", "--splits", "id,wide,deep,dense,bnfree", "--nets", "100")
            .WithExample("eval", "--ghn", "models/ghn2-small.safetensors", "--splits", "id", "--nets", "10", "--images", "1000", "--out", "runs/eval", "--json");
        config.AddCommand<FinetuneCommand>("finetune")
            .WithDescription("GHN-QAT: finetune a float GHN with SimQuant or NoiseQuant in the loop (same loop, checkpoints and plots as train).")
            .WithExample("finetune", "--from", "models/ghn2-small.safetensors", "--bits", "w4a4", "--quant", "sim", "--threads", "2", "--out", "runs/qat-w4a4-sim")
            .WithExample("finetune", "--resume", "runs/qat-w4a4-sim/checkpoint.safetensors", "--json");
        config.AddCommand<EvalQatCommand>("eval-qat")
            .WithDescription("GHN-Q vs GHN-QAT per split × bits, GHN-2 protocol and deploy protocol (the runtime, bit-exact); writes docs/results/qat.*.")
            .WithExample("eval-qat", "--ghn", "models/ghn2-small.safetensors,runs/qat-w4a4-sim/ghn.safetensors", "--nets", "100", "--images", "2000")
            .WithExample("eval-qat", "--ghn", "models/ghn2-qat-w4a4.safetensors", "--splits", "id", "--nets", "5", "--out", "runs/eval-qat", "--json");
        config.AddCommand<ReproduceCommand>("reproduce")
            .WithDescription("The whole training pipeline from scratch: float GHN → W4A4/W2A2/W4A8 QAT finetunes → eval and eval-qat → export; resumable (run folder's reproduce.json), one line per stage with elapsed time and ETA; --publish also refreshes models/ and docs/results/.")
            .WithExample("reproduce", "--preset", "tiny", "--out", "runs/reproduce-tiny")
            .WithExample("reproduce", "--preset", "small", "--threads", "2", "--dry-run")
            .WithExample("reproduce", "--preset", "small", "--threads", "2", "--out", "runs/reproduce")
            .WithExample("reproduce", "--preset", "small", "--out", "runs/reproduce", "--from-stage", "eval-qat")
            .WithExample("reproduce", "--preset", "small", "--out", "runs/reproduce", "--publish");
        config.AddCommand<GoldenCommand>("golden")
            .WithDescription("Write the trainer's predicted float tensors for fixed nets: the runtime's parity fixtures.")
            .WithExample("golden", "--ghn", "models/ghn2-small.safetensors", "--out", "tests/GhnQat.Runtime.Tests/Fixtures/golden-small")
            .WithExample("golden", "--ghn", "models/ghn2-small.safetensors", "--bits", "w4a4,w2a2", "--id", "2", "--out", "runs/golden", "--json");
        config.AddCommand<PredictCommand>("predict")
            .WithDescription("On-device prediction with the C# runtime: GHN → float net → calibrate → quantize → packed network file.")
            .WithExample("predict", "--ghn", "models/ghn2-small.safetensors", "--arch", "a/id-00000.json", "--bits", "w4a4", "--out", "net.safetensors")
            .WithExample("predict", "--ghn", "models/ghn2-qat-w2a2.safetensors", "--arch", "a/id-00000.json", "--bits", "w2a2", "--out", "net-w2a2.safetensors", "--json");
        config.AddCommand<RunCommand>("run")
            .WithDescription("Run a packed integer network on the Fashion-MNIST test set; --check-ort compares every layer with ONNX Runtime.")
            .WithExample("run", "--net", "net.safetensors", "--backend", "cpu", "--data", "fmnist", "--check-ort")
            .WithExample("run", "--net", "net.safetensors", "--backend", "vulkan", "--images", "1000", "--json");
        config.AddCommand<ParityCommand>("parity")
            .WithDescription("Nets × schemes through the on-device chain; CPU reference vs ONNX Runtime at every layer; writes docs/results/runtime-parity-<split>.*.")
            .WithExample("parity", "--ghn", "models/ghn2-small.safetensors", "--nets", "20", "--images", "256")
            .WithExample("parity", "--ghn", "models/ghn2-small.safetensors", "--nets", "2", "--schemes", "w4a4", "--out", "runs/parity", "--json");
        config.AddCommand<BenchPredictCommand>("bench-predict")
            .WithDescription("Time on-device prediction per net (GHN, calibrate, quantize, pack) vs the TorchSharp trainer; writes docs/benchmarks/predict.*.")
            .WithExample("bench-predict", "--ghn", "models/ghn2-small.safetensors", "--nets", "50")
            .WithExample("bench-predict", "--ghn", "models/ghn2-small.safetensors", "--nets", "5", "--out", "runs/bench", "--json");
        config.AddCommand<BenchTrainCommand>("bench-train")
            .WithDescription("Measure ms per training meta-batch and the GHN's share of it; writes docs/benchmarks/train-step.*.")
            .WithExample("bench-train", "--preset", "small", "--repeats", "20", "--threads", "2")
            .WithExample("bench-train", "--preset", "tiny", "--repeats", "3", "--out", "runs/bench", "--json");
        config.AddCommand<BenchCommand>("bench")
            .WithDescription("Vulkan vs ONNX Runtime fp32 and int8 and the CPU reference on the same ID nets, whole net and per layer, W8A8/W4A8/W4A4/W2A2; writes docs/benchmarks/vulkan.*.")
            .WithExample("bench", "--nets", "3", "--batch", "64")
            .WithExample("bench", "--nets", "1", "--batch", "16", "--device", "llvmpipe", "--out", "runs/bench", "--json");
        config.AddCommand<SoakCommand>("soak")
            .WithDescription("Soak one worker: N one-image inferences, managed heap and RSS sampled after a warm-up, Vulkan objects counted, validation layer on; exit 70 unless flat and clean.")
            .WithExample("soak", "--inferences", "10000", "--backend", "vulkan", "--json", "soak.json")
            .WithExample("soak", "--inferences", "200", "--warmup", "50", "--backend", "cpu", "--max-jit-settle", "0", "--json");
    }
}
