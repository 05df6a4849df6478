// The QAT fields of the train config: finetune presets, JSON round trip, and configs written before QAT existed.
using System.Text.Json.Nodes;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Quantization;
using GhnQat.Trainer.Quantization;
using GhnQat.Trainer.Training;

namespace GhnQat.Trainer.Tests.Quantization;

public class QatConfigTests
{
    [Test]
    public void Finetune_SmallPreset_IsTheFloatPresetWithQatATenthOfTheLrAndTheFinetuneSteps()
    {
        var c = QatPresets.Finetune("small", TrainConfig.Small.Ghn, QuantMode.Noise, QuantScheme.W2A2);
        Assert.That(c.LearningRate, Is.EqualTo(TrainConfig.Small.LearningRate / 10));
        Assert.That(c.Steps, Is.EqualTo(QatPresets.SmallSteps));
        Assert.That((c.ParseQuantMode(), c.ParseScheme()), Is.EqualTo((QuantMode.Noise, QuantScheme.W2A2)));
        // Everything else is the float preset's (compared as JSON: the decay list makes record equality by reference).
        var rest = c with { Preset = "small", Steps = TrainConfig.Small.Steps, LearningRate = TrainConfig.Small.LearningRate, Quant = "none", Scheme = null };
        Assert.That(rest.ToJson(), Is.EqualTo(TrainConfig.Small.ToJson()));
        Assert.That(TrainConfig.FromJson(c.ToJson(), "test").ToJson(), Is.EqualTo(c.ToJson()));
    }

    [Test]
    public void FromJson_ConfigWrittenBeforeQat_ReadsAsFloatTraining()
    {
        var json = JsonNode.Parse(TrainConfig.Small.ToJson())!.AsObject();
        json.Remove("quant");
        json.Remove("scheme");
        var c = TrainConfig.FromJson(json.ToJsonString(), "old checkpoint");
        Assert.That(c.ParseQuantMode(), Is.EqualTo(QuantMode.None));
        Assert.That(c.ParseScheme(), Is.Null);
    }

    [TestCase("sim", null)]
    [TestCase("noise", "w3a3")]
    [TestCase("lsq", "w4a4")]
    public void Validate_QatWithoutAValidSchemeOrMode_ThrowsInvalidArgument(string quant, string? scheme)
    {
        var e = Assert.Throws<GhnQatException>(() => (TrainConfig.Tiny with { Quant = quant, Scheme = scheme }).Validate());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void Validate_DecayFractionOutsideTheRun_ThrowsNamingDecayAt(double fraction)
    {
        var e = Assert.Throws<GhnQatException>(() => (TrainConfig.Tiny with { DecayAt = [0.5, fraction] }).Validate());
        Assert.That(e!.Code, Is.EqualTo(GhnQatErrorCode.InvalidArgument));
        Assert.That(e.Message, Does.Contain("decay_at"));
    }

    [TestCase(QuantMode.None)]
    [TestCase(QuantMode.Sim)]
    [TestCase(QuantMode.Noise)]
    [TestCase(QuantMode.Mixed)]
    public void QuantModes_NameParsesBackAndLabelsAreDistinct(QuantMode mode)
    {
        Assert.That(QuantModes.Parse(QuantModes.Name(mode)), Is.EqualTo(mode));
        Assert.That(QuantModes.Parse(" " + QuantModes.Name(mode).ToUpperInvariant()), Is.EqualTo(mode));
        var others = Enum.GetValues<QuantMode>().Where(m => m != mode).Select(QuantModes.Label);
        Assert.That(others, Does.Not.Contain(QuantModes.Label(mode)));
    }
}
