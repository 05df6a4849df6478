// Scheme names: the four standard ones round-trip, suffixes only for non-default first/classifier widths.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class QuantSchemeTests
{
    [TestCase("w8a8", 8, 8)]
    [TestCase("w4a8", 4, 8)]
    [TestCase("w4a4", 4, 4)]
    [TestCase("w2a2", 2, 2)]
    public void Parse_StandardName_GivesWidthsAndRoundTrips(string name, int w, int a)
    {
        var scheme = QuantScheme.Parse(name);

        Assert.That((scheme.WeightBits, scheme.ActivationBits, scheme.FirstLayerBits, scheme.ClassifierBits), Is.EqualTo((w, a, 8, 8)));
        Assert.That(scheme.Name, Is.EqualTo(name));
    }

    [Test]
    public void Parse_UpperCase_IsAccepted() => Assert.That(QuantScheme.Parse("W4A4"), Is.EqualTo(QuantScheme.W4A4));

    [Test]
    public void Name_NonDefaultFirstAndClassifier_HasSuffixesThatParseBack()
    {
        var scheme = new QuantScheme(4, 4, firstLayerBits: 4, classifierBits: 2);

        Assert.That(scheme.Name, Is.EqualTo("w4a4-f4-c2"));
        Assert.That(QuantScheme.Parse(scheme.Name), Is.EqualTo(scheme));
    }

    [TestCase("w3a8")]
    [TestCase("w4a4-f8")]
    [TestCase("w8")]
    [TestCase("w4a4-c4-f4")]
    [TestCase("")]
    public void Parse_InvalidName_ThrowsInvalidArgument(string name)
    {
        var e = Assert.Throws<GhnQatException>(() => QuantScheme.Parse(name));

        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [Test]
    public void Constructor_UnsupportedWidth_ThrowsInvalidArgument() =>
        Assert.That(() => new QuantScheme(8, 3), Throws.TypeOf<GhnQatException>());
}
