// OnnxTensor's typed access: uint8 codes above 127 stay positive (regression: the CLR lets byte[] pass "is sbyte[]").
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Onnx;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace GhnQat.Runtime.Tests.Onnx;

public class OnnxTensorTests
{
    [Test]
    public void ValueAt_UInt8Above127_IsPositive()
    {
        var t = new OnnxTensor("codes", TensorElementType.UInt8, [1, 2], new byte[] { 200, 7 });

        Assert.That(t.ValueAt(0), Is.EqualTo(200));
        Assert.That(t.Data<byte>()[0], Is.EqualTo(200));
    }

    [Test]
    public void Data_Int8AskedAsUInt8_ThrowsInvalidArgument()
    {
        var t = new OnnxTensor("codes", TensorElementType.Int8, [1, 1], new sbyte[] { -56 });

        var e = Assert.Throws<GhnQatException>(() => t.Data<byte>().ToArray());
        Assert.That(e.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(t.ValueAt(0), Is.EqualTo(-56));
    }
}
