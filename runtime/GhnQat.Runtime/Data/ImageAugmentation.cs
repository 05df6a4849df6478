// Training-time augmentation settings: random crop with zero padding and horizontal flip.
namespace GhnQat.Runtime.Data;

/// <summary>
/// Augmentation applied while filling a batch. The crop pads each side with <see cref="Padding"/> zero-valued
/// pixels (black, before normalization, as torchvision's RandomCrop(padding) does) and cuts a window of the
/// original size at a random offset; the flip mirrors left-right with probability 1/2.
/// Randomness comes from the seed given to the batch, so results are reproducible.
/// </summary>
/// <param name="Padding">Zero pixels added on each side before the random crop (0 disables cropping).</param>
/// <param name="HorizontalFlip">Mirror left-right with probability 1/2.</param>
public sealed record ImageAugmentation(int Padding, bool HorizontalFlip)
{
    /// <summary>No augmentation (evaluation, calibration).</summary>
    public static ImageAugmentation None { get; } = new(0, false);

    /// <summary>The usual CIFAR-10 recipe: pad 4 and crop 32×32, random horizontal flip.</summary>
    public static ImageAugmentation Cifar10 { get; } = new(4, true);

    /// <summary>For 28×28 MNIST-like images: pad 2 and crop, random horizontal flip.</summary>
    public static ImageAugmentation MnistLike { get; } = new(2, true);

    /// <summary>True when this setting changes images at all.</summary>
    public bool IsIdentity => Padding == 0 && !HorizontalFlip;
}
