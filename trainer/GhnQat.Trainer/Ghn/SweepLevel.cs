// One level of a GatedGNN sweep: receiving nodes and their incoming real and virtual edges.
namespace GhnQat.Trainer.Ghn;

/// <summary>
/// One level of a sweep: the receiving nodes and their incoming edges. Slots index into <see cref="Nodes"/>.
/// Real edges (s = 1) feed the message MLP; all edges (real ones included, as in GHN-2's code) feed the
/// virtual-edge MLP weighted by 1/s.
/// </summary>
public sealed record SweepLevel(
    long[] Nodes, long[] RealSources, long[] RealSlots, long[] AllSources, long[] AllSlots, float[] InverseLengths);
