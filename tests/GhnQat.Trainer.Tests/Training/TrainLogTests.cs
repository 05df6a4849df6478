// The run summary written into every model file's metadata stays valid JSON when every step was skipped.
using System.Text.Json;
using GhnQat.Cli.Train;
using GhnQat.Trainer.Training;

namespace GhnQat.Trainer.Tests.Training;

public sealed class TrainLogTests
{
    [Test]
    public void Summary_EveryStepSkipped_CountsThemAndSerializesWithoutNaN()
    {
        var history = new[]
        {
            new StepResult(0, 2.3, 0.1, 1e-4, 900, Skipped: true, SkipReason: "gradient norm not finite"),
            new StepResult(1, double.NaN, 0, 1e-4, 950, Skipped: true, SkipReason: "loss not finite"),
        };

        var summary = TrainLog.Summary(history);

        Assert.That(summary["steps"], Is.EqualTo(2));
        Assert.That(summary["skipped_steps"], Is.EqualTo(2));
        Assert.That(summary.ContainsKey("final_train_loss"), Is.False);
        Assert.That(() => JsonSerializer.Serialize(summary), Throws.Nothing);
    }

    [Test]
    public void Summary_SomeStepsRan_AveragesOnlyThose()
    {
        var history = new[]
        {
            new StepResult(0, 2.0, 0.5, 1e-3, 100, Skipped: false),
            new StepResult(1, 9.0, 0.0, 1e-3, 900, Skipped: true, SkipReason: "gradient norm not finite"),
        };

        var summary = TrainLog.Summary(history);

        Assert.That(summary["final_train_loss"], Is.EqualTo(2.0));
        Assert.That(summary["ms_per_step"], Is.EqualTo(100));
        Assert.That(summary["skipped_steps"], Is.EqualTo(1));
    }
}
