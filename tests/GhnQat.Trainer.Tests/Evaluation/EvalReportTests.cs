// The float-GHN report's Markdown: the SGD baseline is described only where it ran.
using GhnQat.Trainer.Evaluation;

namespace GhnQat.Trainer.Tests.Evaluation;

public class EvalReportTests
{
    private static EvalReport Report(int sgdImages, List<double> sgd) => new("ghn.safetensors", "ghnqat eval", "abc", 1, 60,
        "ghnqat train", sgdImages, [new EvalReport.Row("id", 100, 100, ["n0", "n1"], [0.75, 0.8], [0.1, 0.1], sgd)]);

    [Test]
    public void Markdown_WithoutSgdNets_SaysTheBaselineWasNotRun()
    {
        string md = Report(0, []).Markdown("r");
        Assert.That(md, Does.Contain("SGD 1 epoch: not run"));
        Assert.That(md, Does.Not.Contain("one pass over"));
        Assert.That(md, Does.Contain("| id | 2 | 100 | **77.5 ± 2.5** |"));
    }

    [Test]
    public void Markdown_WithSgdNets_NamesTheImagesOfItsEpoch()
    {
        string md = Report(60000, [0.85]).Markdown("r");
        Assert.That(md, Does.Contain("one pass over 60000 training images"));
        Assert.That(md, Does.Contain("(1) |"));
    }
}
