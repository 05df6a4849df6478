// The shape of one activation tensor in an ArchSpec, per image (the batch axis is implicit).
namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Shape of a node's output per image: channels × height × width. After <c>gap</c> (and through linear layers)
/// the tensor is a vector of <see cref="Channels"/> values; then <see cref="IsVector"/> is true and H = W = 1.
/// </summary>
/// <param name="Channels">Channel count (or vector length).</param>
/// <param name="Height">Spatial height in pixels.</param>
/// <param name="Width">Spatial width in pixels.</param>
/// <param name="IsVector">True after global average pooling: no spatial axes remain.</param>
public readonly record struct ActivationShape(int Channels, int Height, int Width, bool IsVector = false)
{
    /// <summary>Number of values per image.</summary>
    public long ElementCount => (long)Channels * Height * Width;

    /// <summary><c>(C,H,W)</c>, or <c>(C)</c> for a vector.</summary>
    public override string ToString() =>
        IsVector ? $"({Channels})" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({Channels},{Height},{Width})");
}
