// Layout of a decoded weight block in the decoder's output buffer.
namespace GhnQat.Runtime.Hypernet;

/// <summary>
/// Element (o, i, y, x) of one node's block sits at [(y·Kw + x)·CellStride + o·RowStride + i], for o &lt; Rows0,
/// i &lt; Rows1, y &lt; Kh, x &lt; Kw (the cropped kernel). RowStride is Rows1 rounded up to a SIMD panel.
/// </summary>
internal readonly record struct DecodedBlock(int Rows0, int Rows1, int Kh, int Kw, int CellStride, int RowStride);
