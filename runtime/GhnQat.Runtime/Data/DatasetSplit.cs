// Which part of a dataset to load.
namespace GhnQat.Runtime.Data;

/// <summary>The standard split of a dataset.</summary>
public enum DatasetSplit
{
    /// <summary>The training images (also the source of the calibration subset).</summary>
    Train,
    /// <summary>The held-out test images.</summary>
    Test,
}
