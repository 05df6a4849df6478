// The eval-qat report's markdown (one separator cell per column, nets that could not be deployed named, gains) and
// --merge (methods on the same nets side by side, chunks of other nets appended, overlaps rejected).
using GhnQat.Runtime.Errors;
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

    [Test]
    public void Markdown_TwoSplits_GainOfQatPerSplitAndProtocol()
    {
        QatEvalReport.Cell Cell(string split, string bits, string method, double ghn2, double deploy) =>
            new(split, bits, method, 2000, ["n0", "n1"], [ghn2, ghn2], [deploy, deploy]);
        var report = Report(
            Cell("id", "fp32", "GHN-Q", 0.80, 0.78), Cell("id", "w4a4", "GHN-Q", 0.70, 0.68), Cell("id", "w4a4", "GHN-QAT-SimQuant", 0.76, 0.74),
            Cell("wide", "fp32", "GHN-Q", 0.70, 0.70), Cell("wide", "w4a4", "GHN-Q", 0.60, 0.50), Cell("wide", "w4a4", "GHN-QAT-SimQuant", 0.65, 0.60));
        string md = report.Markdown("r");
        Assert.That(md, Does.Contain("## Gain of QAT over GHN-Q (deploy protocol)"));
        Assert.That(md, Does.Contain("- id W4A4 GHN-QAT-SimQuant: +6.0 pp over GHN-Q; recovers 60 % of the 10.0 pp GHN-Q loses against FP32"));
        Assert.That(md, Does.Contain("- wide W4A4 GHN-QAT-SimQuant: +10.0 pp over GHN-Q; recovers 50 % of the 20.0 pp"));
        Assert.That(md, Does.Contain("## Gain of QAT over GHN-Q (GHN-2 protocol)"));
        Assert.That(md, Does.Contain("- wide W4A4 GHN-QAT-SimQuant: +5.0 pp over GHN-Q; recovers 50 % of the 10.0 pp"));
        Assert.That(md, Does.Contain("| wide | W4A4 | 2 | 2000 |"));
    }

    [Test]
    public void Markdown_GainNearZeroAndLossWithinNoise_SignedOnceAndNoShare()
    {
        QatEvalReport.Cell Cell(string bits, string method, double accuracy) =>
            new("bnfree", bits, method, 2000, ["n0", "n1"], [accuracy, accuracy], [accuracy, accuracy]);
        // GHN-Q loses 0.8 pp, under two standard errors of its per-net differences (−1.2 and +2.8 pp); QAT is 0.03 pp below GHN-Q.
        QatEvalReport.Cell Spread(string bits, double first, double second) =>
            new("bnfree", bits, "GHN-Q", 2000, ["n0", "n1"], [first, second], [first, second]);
        string md = Report(Spread("fp32", 0.117, 0.137), Spread("w2a2", 0.129, 0.109), Cell("w2a2", "GHN-QAT-Mixed", 0.1187)).Markdown("r");
        Assert.That(md, Does.Contain("- bnfree W2A2 GHN-QAT-Mixed: +0.0 pp over GHN-Q; GHN-Q is -0.8 pp from FP32 here, too close for a recovered share"));
        Assert.That(md, Does.Not.Contain("-+").And.Not.Contain("recovers"));
        Assert.That(QatEvalReport.Signed(-0.04), Is.EqualTo("+0.0"));
        Assert.That(QatEvalReport.Signed(-1.26), Is.EqualTo("-1.3"));
        Assert.That(QatEvalReport.Signed(2.0), Is.EqualTo("+2.0"));
    }

    [Test]
    public void Markdown_LossSmallAgainstTheNetsSpreadButSteadyPerNet_GetsAShare()
    {
        // Nets differ by 20 pp, but GHN-Q loses exactly 5 pp on each: the paired difference is certain.
        QatEvalReport.Cell Cell(string bits, string method, double offset) =>
            new("wide", bits, method, 2000, ["n0", "n1"], [0.6 + offset, 0.8 + offset], [0.6 + offset, 0.8 + offset]);
        string md = Report(Cell("fp32", "GHN-Q", 0), Cell("w4a4", "GHN-Q", -0.05), Cell("w4a4", "GHN-QAT-SimQuant", -0.01)).Markdown("r");
        Assert.That(md, Does.Contain("- wide W4A4 GHN-QAT-SimQuant: +4.0 pp over GHN-Q; recovers 80 % of the 5.0 pp GHN-Q loses against FP32"));
    }

    [Test]
    public void Merge_ChunksOfOtherNets_AppendedInOrderWithBothProtocols()
    {
        var first = Report(new QatEvalReport.Cell("wide", "w4a4", "GHN-Q", 2000, ["w0", "w1"], [0.5, 0.6], [0.4, 0.5]) { NotDeployable = [] });
        var second = Report(new QatEvalReport.Cell("wide", "w4a4", "GHN-Q", 2000, ["w2"], [0.7], [0]) { NotDeployable = ["w2"] },
            new QatEvalReport.Cell("wide", "fp32", "GHN-Q", 2000, ["w2"], [0.8], [0.9])) with { Seconds = 30 };
        var merged = QatEvalReport.Merge([first, second]);
        var w4a4 = merged.Cells.Single(c => c.Bits == "w4a4");
        Assert.That(w4a4.Names, Is.EqualTo(new[] { "w0", "w1", "w2" }));
        Assert.That(w4a4.Ghn2Protocol, Is.EqualTo(new[] { 0.5, 0.6, 0.7 }));
        Assert.That(w4a4.Deploy, Is.EqualTo(new[] { 0.4, 0.5, 0 }));
        Assert.That(w4a4.NotDeployable, Is.EqualTo(new[] { "w2" }));
        Assert.That(merged.Cells.Single(c => c.Bits == "fp32").Names, Is.EqualTo(new[] { "w2" }));
        Assert.That(merged.Seconds, Is.EqualTo(90));
        Assert.That(first.Cells.Single().Names, Has.Count.EqualTo(2), "the parts are not modified");
    }

    [Test]
    public void Merge_SameNetTwiceInACell_RejectedNamingTheNet()
    {
        var a = Report(new QatEvalReport.Cell("deep", "w2a2", "GHN-Q", 2000, ["d0", "d1"], [0.1, 0.1], [0.1, 0.1]));
        var b = Report(new QatEvalReport.Cell("deep", "w2a2", "GHN-Q", 2000, ["d1", "d2"], [0.1, 0.1], [0.1, 0.1]));
        var e = Assert.Throws<GhnQatException>(() => QatEvalReport.Merge([a, b]));
        Assert.That(e!.Message, Does.Contain("deep w2a2 GHN-Q").And.Contain("net d1 appears in two reports"));
    }

    [Test]
    public void Merge_ChunksOnOtherImagesOrSeed_Rejected()
    {
        var a = Report(new QatEvalReport.Cell("deep", "w2a2", "GHN-Q", 2000, ["d0"], [0.1], [0.1]));
        var b = Report(new QatEvalReport.Cell("deep", "w2a2", "GHN-Q", 500, ["d1"], [0.1], [0.1]));
        Assert.That(Assert.Throws<GhnQatException>(() => QatEvalReport.Merge([a, b]))!.Message, Does.Contain("2000 and 500 test images"));
        var c = Report(new QatEvalReport.Cell("deep", "w2a2", "GHN-Q", 2000, ["d1"], [0.1], [0.1])) with { Seed = 2 };
        Assert.That(Assert.Throws<GhnQatException>(() => QatEvalReport.Merge([a, c]))!.Message, Does.Contain("seed"));
    }
}
