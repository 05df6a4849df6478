// GHN-2's GatedGNN: one forward and one backward sweep with a shared GRU cell, message MLP and virtual-edge MLP.
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Ghn;

/// <summary>
/// Propagation of brief §1.5. A node v receiving messages in a sweep gets
/// m_v = Σ_{real u→v} MLP(h_u) + Σ_{all u→v, length s} MLP_ve(h_u)/s and h_v ← GRU(m_v, h_v); states update in
/// place, so later nodes see the fresh states of earlier ones. Nodes without incoming messages in a sweep (the input
/// going forward, the classifier going backward) keep their state. <see cref="Propagate"/> updates a whole level at
/// once; <see cref="PropagateNodeByNode"/> is the literal sequential order, kept as the test oracle.
/// </summary>
public sealed class GatedGnn : nn.Module
{
    private readonly GRUCell gru;
    private readonly Linear msg1, msg2, ve1, ve2;
    private readonly bool _virtualEdges;

    /// <summary>Creates the cell and MLPs (hidden → hidden/2 → hidden, ReLU after each; hidden width = hidden
    /// without virtual edges, as in GHN-2).</summary>
    public GatedGnn(int hidden, bool virtualEdges) : base(nameof(GatedGnn))
    {
        _virtualEdges = virtualEdges;
        int mid = virtualEdges ? hidden / 2 : hidden;
        gru = nn.GRUCell(hidden, hidden);
        msg1 = nn.Linear(hidden, mid);
        msg2 = nn.Linear(mid, hidden);
        ve1 = nn.Linear(hidden, hidden / 2);
        ve2 = nn.Linear(hidden / 2, hidden);
        RegisterComponents();
    }

    /// <summary>Forward sweep then backward sweep, level by level; returns the new states (N, hidden).</summary>
    public Tensor Propagate(Tensor h, GraphBatch batch)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var level in batch.Forward) h = UpdateLevel(h, level);
        foreach (var level in batch.Backward) h = UpdateLevel(h, level);
        return h;
    }

    /// <summary>The same result computed one node at a time in index order (forward) and reverse order (backward).</summary>
    public Tensor PropagateNodeByNode(Tensor h, GraphBatch batch)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(batch);
        var forward = batch.Forward.SelectMany(Split).OrderBy(l => l.Nodes[0]).ToList();
        var backward = batch.Backward.SelectMany(Split).OrderByDescending(l => l.Nodes[0]).ToList();
        foreach (var single in forward) h = UpdateLevel(h, single);
        foreach (var single in backward) h = UpdateLevel(h, single);
        return h;
    }

    // index_add's alpha held for the life of the process (HeldScalars: an implicit 1 can be freed mid-call).
    private static readonly Scalar One = HeldScalars.One;

    private Tensor UpdateLevel(Tensor h, SweepLevel level)
    {
        var device = h.device;
        var nodes = tensor(level.Nodes, device: device);
        var m = zeros(level.Nodes.Length, h.shape[1], dtype: h.dtype, device: device);
        if (level.RealSources.Length > 0)
        {
            var src = h.index_select(0, tensor(level.RealSources, device: device));
            m = m.index_add(0, tensor(level.RealSlots, device: device), Mlp(src, msg1, msg2), One);
        }
        if (_virtualEdges && level.AllSources.Length > 0)
        {
            var src = h.index_select(0, tensor(level.AllSources, device: device));
            var weighted = Mlp(src, ve1, ve2) * tensor(level.InverseLengths, device: device).unsqueeze(1);
            m = m.index_add(0, tensor(level.AllSlots, device: device), weighted, One);
        }
        var updated = gru.call(m, h.index_select(0, nodes));
        return h.index_copy(0, nodes, updated);
    }

    private static Tensor Mlp(Tensor x, Linear a, Linear b) =>
        nn.functional.relu(b.call(nn.functional.relu(a.call(x))));

    /// <summary>One single-node level per receiving node of <paramref name="level"/>.</summary>
    private static IEnumerable<SweepLevel> Split(SweepLevel level)
    {
        for (int slot = 0; slot < level.Nodes.Length; slot++)
        {
            var real = Enumerable.Range(0, level.RealSlots.Length).Where(i => level.RealSlots[i] == slot).ToArray();
            var all = Enumerable.Range(0, level.AllSlots.Length).Where(i => level.AllSlots[i] == slot).ToArray();
            yield return new SweepLevel(
                [level.Nodes[slot]],
                real.Select(i => level.RealSources[i]).ToArray(), new long[real.Length],
                all.Select(i => level.AllSources[i]).ToArray(), new long[all.Length],
                all.Select(i => level.InverseLengths[i]).ToArray());
        }
    }
}
