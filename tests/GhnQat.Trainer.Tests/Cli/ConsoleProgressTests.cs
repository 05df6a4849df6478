// Plain progress lines outside a terminal: long evaluations must show progress in logs, at most once per interval.
using GhnQat.Cli.Output;

namespace GhnQat.Trainer.Tests.Cli;

public class ConsoleProgressTests
{
    [Test]
    public void Update_OutsideTerminal_PrintsPlainLinesPerIntervalAndTheLastUnit()
    {
        var every = new StringWriter();
        var progress = new ConsoleProgress("eval-qat id", 3, terminal: false) { Writer = every, PlainInterval = TimeSpan.Zero };
        for (int done = 1; done <= 3; done++) progress.Update(done, $"step {done}");
        var lines = every.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.StartWith("eval-qat id 1/3 step 1 ETA "));
        Assert.That(lines[2], Does.StartWith("eval-qat id 3/3 step 3 ETA 0:00"));

        var hourly = new StringWriter();
        progress = new ConsoleProgress("eval", 3, terminal: false) { Writer = hourly, PlainInterval = TimeSpan.FromHours(1) };
        for (int done = 1; done <= 3; done++) progress.Update(done, "");
        // The first update prints (nothing printed yet), the second falls inside the hour, the last unit always prints.
        Assert.That(hourly.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(2));
    }

    [Test]
    public void Update_OutsideTerminalWithoutInterval_PrintsNothing()
    {
        var writer = new StringWriter();
        var progress = new ConsoleProgress("train", 2, terminal: false) { Writer = writer };
        progress.Update(1, "loss 1.0");
        progress.Update(2, "loss 0.9");
        Assert.That(writer.ToString(), Is.Empty);
    }
}
