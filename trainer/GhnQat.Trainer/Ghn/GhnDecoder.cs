// GHN-2's decoders: node embedding → weight block (crop, 1×1 convs, row subset), 1-D rows, classifier heads.
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Ghn;

/// <summary>
/// Decoders of brief §2. A weight block is fc(h) → ReLU → (C, K, K) map, cropped top-left to the kernel, then two
/// 1×1 convs (C → D, ReLU, D → MaxOut·MaxIn). Only the rows a shape key needs are computed, which equals slicing
/// the full (MaxOut, MaxIn) block. 1-D tensors come from a 2-row MLP (row 0 = BN γ, row 1 = biases and BN β). The
/// classifier weight applies ReLU then a linear over the block's out axis; the classifier bias applies ReLU then a
/// linear to the 1-D rows. Tensors are then tiled to the target shape and normalized (<see cref="PredictedTensors"/>).
/// </summary>
public sealed class GhnDecoder : nn.Module
{
    private readonly Linear fc, conv1, conv2, class_head, fc1d_1, fc1d_2, class_bias_head;
    private readonly GhnConfig _config;

    /// <summary>Creates the decoder layers for <paramref name="config"/>.</summary>
    public GhnDecoder(GhnConfig config) : base(nameof(GhnDecoder))
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        int k = config.DecoderKernel;
        fc = nn.Linear(config.Hidden, (long)config.DecoderChannels * k * k);
        conv1 = nn.Linear(config.DecoderChannels, config.DecoderHidden);
        conv2 = nn.Linear(config.DecoderHidden, (long)config.MaxOut * config.MaxIn);
        class_head = nn.Linear(config.MaxOut, config.Classes);
        fc1d_1 = nn.Linear(config.Hidden, 2L * config.Hidden);
        fc1d_2 = nn.Linear(2L * config.Hidden, 2L * config.MaxOut);
        class_bias_head = nn.Linear(config.MaxOut, config.Classes);
        RegisterComponents();
    }

    /// <summary>
    /// Blocks (G, n0, n1, kh', kw') for G node embeddings sharing one shape key; kh' = min(kh, K). The rows of the
    /// last 1×1 conv are restricted to out &lt; n0 and in &lt; n1.
    /// </summary>
    public Tensor WeightBlocks(Tensor embeddings, int n0, int n1, int kh, int kw)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        int k = _config.DecoderKernel;
        long g = embeddings.shape[0];
        kh = Math.Min(kh, k);
        kw = Math.Min(kw, k);
        var map = nn.functional.relu(fc.call(embeddings)).view(g, _config.DecoderChannels, k, k);
        var cells = map[.., .., ..kh, ..kw].permute(0, 2, 3, 1).reshape(g * kh * kw, _config.DecoderChannels);
        var hidden = nn.functional.relu(conv1.call(cells));
        var rows = RowIndex(n0, n1, embeddings.device);
        var w = conv2.weight!.index_select(0, rows);
        var b = conv2.bias!.index_select(0, rows);
        var outRows = nn.functional.linear(hidden, w, b);
        return outRows.view(g, kh, kw, n0, n1).permute(0, 3, 4, 1, 2);
    }

    /// <summary>Classifier weights (G, classes, n1) from the 1×1 block over all MaxOut rows and the first n1 inputs.</summary>
    public Tensor ClassifierWeights(Tensor embeddings, int n1)
    {
        var block = WeightBlocks(embeddings, _config.MaxOut, n1, 1, 1).squeeze(-1).squeeze(-1); // (G, MaxOut, n1)
        var byInput = nn.functional.relu(block).transpose(1, 2);                                 // (G, n1, MaxOut)
        return class_head.call(byInput).transpose(1, 2);                                         // (G, classes, n1)
    }

    /// <summary>The (G, 2, MaxOut) rows of 1-D tensors: row 0 is BN γ, row 1 BN β or a bias.</summary>
    public Tensor Rows1d(Tensor embeddings)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        var x = fc1d_2.call(nn.functional.relu(fc1d_1.call(embeddings)));
        return x.view(embeddings.shape[0], 2, _config.MaxOut);
    }

    /// <summary>Classifier biases (G, classes) from the 1-D rows (row 1 after the head).</summary>
    public Tensor ClassifierBiases(Tensor rows1d) =>
        class_bias_head.call(nn.functional.relu(rows1d))[.., 1, ..];

    private Tensor RowIndex(int n0, int n1, Device device)
    {
        var rows = new long[n0 * n1];
        for (int o = 0; o < n0; o++)
        {
            for (int i = 0; i < n1; i++) rows[(o * n1) + i] = ((long)o * _config.MaxIn) + i;
        }
        return tensor(rows, device: device);
    }

    /// <summary>The shape key of GHN-2 for <paramref name="node"/> under this decoder's (MaxOut, MaxIn) bound.</summary>
    public ShapeKey? KeyOf(GraphNode node) =>
        ShapeKey.For(node, [_config.MaxOut, _config.MaxIn, _config.DecoderKernel, _config.DecoderKernel]);
}
