// A small, learnable image set for trainer tests: each class is a bright bar at its own place, plus noise.
using GhnQat.Runtime.Data;

namespace GhnQat.Trainer.Tests.Training;

/// <summary>Generates a deterministic 1×28×28, 10-class dataset that a tiny CNN learns within a few steps.</summary>
internal static class SyntheticImages
{
    public static ImageDataset Create(int count, ulong seed)
    {
        const int side = 28;
        var rng = new SplitMix64(seed);
        var pixels = new byte[count * side * side];
        var labels = new byte[count];
        for (int i = 0; i < count; i++)
        {
            int c = rng.NextInt32(10);
            labels[i] = (byte)c;
            var img = pixels.AsSpan(i * side * side, side * side);
            for (int p = 0; p < img.Length; p++) img[p] = (byte)rng.NextInt32(40);
            // Class c: a 4-pixel-wide bar, vertical for c < 5 and horizontal otherwise, at offset 2 + 5·(c mod 5).
            int at = 2 + (5 * (c % 5));
            for (int a = 0; a < side; a++)
            {
                for (int b = at; b < at + 4; b++)
                {
                    int index = c < 5 ? (a * side) + b : (b * side) + a;
                    img[index] = (byte)(200 + rng.NextInt32(56));
                }
            }
        }
        var names = Enumerable.Range(0, 10).Select(c => "class" + c).ToArray();
        return new ImageDataset("synthetic", 1, side, side, pixels, labels, names, [0.2f], [0.3f]);
    }
}
