// Draws one mobile CNN from SpaceRules: stem, 2–4 stages (transition + blocks), gap + linear head.
namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Builds one net per call. Stage s &gt; 0 starts with a transition that halves the resolution (stride-2 conv,
/// max/avg pool + 1×1 conv when the width changes, or a stride-2 block); the blocks after it keep the shape.
/// </summary>
internal sealed class ArchGenerator
{
    private enum BlockKind { Conv, DepthwiseSeparable, InvertedResidual }

    private readonly SpaceRules _rules;
    private readonly Prng _rng;
    private ArchSpecBuilder _b = null!;
    private bool _relu6;

    public ArchGenerator(SpaceRules rules, Prng rng)
    {
        _rules = rules;
        _rng = rng;
    }

    public static readonly ActivationShape Input = new(1, 28, 28);
    public const int Classes = 10;

    public ArchSpec Next(string name)
    {
        _b = new ArchSpecBuilder(name, Input, Classes);
        _relu6 = _rng.Coin();
        int stages = _rng.Range(_rules.MinStages, _rules.MaxStages);
        var widths = new int[stages];
        widths[0] = _rng.Pick(_rules.FirstWidths);
        for (int s = 1; s < stages; s++)
        {
            // The next stage is 1×–2× as wide, in steps of WidthStep, capped.
            int steps = widths[s - 1] / _rules.WidthStep;
            widths[s] = Math.Min(_rules.MaxWidth, widths[s - 1] + _rules.WidthStep * _rng.Range(0, steps));
        }

        string x = ConvNormAct("stem", ArchNode.InputId, widths[0], _rng.Pick([3, 5]), 1, 1, act: true);
        for (int s = 0; s < stages; s++)
        {
            if (s > 0) x = Transition($"s{s}_t", x, widths[s - 1], widths[s]);
            var stageTensors = new List<string> { x };
            int blocks = _rng.Range(_rules.MinBlocks, _rules.MaxBlocks);
            for (int b = 1; b <= blocks; b++)
            {
                string y = Block($"s{s}_b{b}", x, widths[s], widths[s], 1, allowPointwise: true);
                if (_rules.DenseSums)
                {
                    // Dense: the next block reads the sum of every tensor of this stage so far.
                    x = _b.Sum($"s{s}_b{b}_dense", [y, .. stageTensors]);
                    stageTensors.Add(y);
                }
                else
                {
                    x = y;
                }
            }
        }
        x = _b.Gap("gap", x);
        _b.Linear("fc", x, Classes, bias: true);
        return _b.Build();
    }

    private string Transition(string prefix, string x, int cin, int cout)
    {
        switch (_rng.Next(3))
        {
            case 0:
                return ConvNormAct(prefix + "_conv", x, cout, 3, 2, 1, act: true);
            case 1:
            {
                int k = _rng.Pick([2, 3]);
                x = _rng.Coin() ? _b.MaxPool(prefix + "_maxpool", x, k, 2) : _b.AvgPool(prefix + "_avgpool", x, k, 2);
                return cin == cout ? x : ConvNormAct(prefix + "_proj", x, cout, 1, 1, 1, act: true);
            }
            default:
                return Block(prefix, x, cin, cout, 2, allowPointwise: false);
        }
    }

    private string Block(string prefix, string x, int cin, int cout, int stride, bool allowPointwise)
    {
        var kinds = new List<BlockKind> { BlockKind.Conv, BlockKind.DepthwiseSeparable };
        if (cin * 2 <= _rules.MaxWidth) kinds.Add(BlockKind.InvertedResidual);
        switch (_rng.Pick(kinds))
        {
            case BlockKind.Conv:
            {
                // 1×1 is offered only for stride-1 blocks: a strided 1×1 conv would skip 3 of 4 pixels.
                int k = allowPointwise ? _rng.Pick([1, 3, 5]) : _rng.Pick([3, 5]);
                return ConvNormAct(prefix + "_conv", x, cout, k, stride, 1, act: true);
            }
            case BlockKind.DepthwiseSeparable:
            {
                int k = _rng.Pick([3, 5]);
                string dw = ConvNormAct(prefix + "_dw", x, cin, k, stride, cin, act: true);
                return ConvNormAct(prefix + "_pw", dw, cout, 1, 1, 1, act: true);
            }
            default:
            {
                int maxExpand = Math.Min(6, _rules.MaxWidth / cin);
                int hidden = cin * _rng.Range(2, maxExpand);
                int k = _rng.Pick([3, 5]);
                string e = ConvNormAct(prefix + "_exp", x, hidden, 1, 1, 1, act: true);
                string d = ConvNormAct(prefix + "_dw", e, hidden, k, stride, hidden, act: true);
                // Linear bottleneck (MobileNetV2): no activation after the projection.
                string p = ConvNormAct(prefix + "_proj", d, cout, 1, 1, 1, act: false);
                return stride == 1 && cin == cout ? _b.Sum(prefix + "_add", x, p) : p;
            }
        }
    }

    private string ConvNormAct(string id, string x, int cout, int k, int stride, int groups, bool act)
    {
        x = _b.Conv(id, x, cout, k, stride, groups, bias: !_rules.BatchNorm);
        if (_rules.BatchNorm) x = _b.BatchNorm(id + "_bn", x);
        if (!act) return x;
        return _relu6 ? _b.Relu6(id + "_relu6", x) : _b.Relu(id + "_relu", x);
    }
}
