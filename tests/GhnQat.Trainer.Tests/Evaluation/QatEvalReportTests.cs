// The eval-qat report's markdown: one separator cell per column, and nets that could not be deployed named.
using GhnQat.Trainer.Evaluation;

namespace GhnQat.Trainer.Tests.Evaluation;

public class QatEvalReportTests
{
    private static QatEvalReport Report(params QatEvalReport.Cell[] cells) =>
        new("ghnqat eval-qat --test", "abc123", 1, 60, 512, [new("ghn.safetensors", "GHN-QAT-Mixed", "w2a2", "ghnqat finetune")], [.. cells]);

    [Test]
    public void Markdown_DeployTable_SeparatorRowHasOneCellPerHeaderCell()
    {
        var cell = new QatEvalReport.Cell("id", "w2a2", "GHN-QAT-Mixed", 64, ["n0", "n1"], [], [0.25, 0.5]);
        string md = Report(cell).Markdown("r");
        var lines = md.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("| split | bits |", StringComparison.Ordinal));
        Assert.That(header, Is.GreaterThanOrEqualTo(0), md);
        Assert.That(lines[header + 1].Count(c => c == '|'), Is.EqualTo(lines[header].Count(c => c == '|')));
        Assert.That(md, Does.Contain("| id | W2A2 | 2 | 64 |").And.Not.Contain("Not deployable"));
    }

    [Test]
    public void Markdown_NetNotDeployable_NamedWithItsCellAndCountedInTheMean()
    {
        var cell = new QatEvalReport.Cell("bnfree", "w2a2", "GHN-QAT-Mixed", 64, ["b0", "b1"], [], [0.2, 0])
        {
            NotDeployable = ["b1"],
        };
        string md = Report(cell).Markdown("r");
        Assert.That(md, Does.Contain("Not deployable, counted as 0 % in the deploy column (bnfree, W2A2, GHN-QAT-Mixed): b1"));
        Assert.That(md, Does.Contain("| bnfree | W2A2 | 2 | 64 |"));
    }
}
