// The one verdict every hostile case gets: GhnQatException with the right code, a short message naming the input,
// within the time budget and the allocation bound.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Tests.IO;

namespace GhnQat.Runtime.Tests.Hostile;

/// <summary>Arranges a <see cref="HostileCase"/>, runs it bounded, and asserts the rejection.</summary>
internal static class HostileAssert
{
    /// <summary>Longest acceptable message beyond the source name: one readable line, never an echo of the input.</summary>
    public const int MaxMessageChars = 600;

    public static void Rejects(HostileCase c)
    {
        using var folder = new TempFolder();
        var parse = c.Arrange(folder.Path);
        var outcome = HostileRunner.Run(parse.Parse, HostileRunner.Budget);

        Assert.That(outcome.Finished, Is.True, $"{c.Name}: the parse ran past {HostileRunner.Budget.TotalSeconds} s");
        Assert.That(outcome.Error, Is.Not.Null, $"{c.Name}: the parse accepted the input");
        Assert.That(outcome.Error, Is.TypeOf<GhnQatException>(), $"{c.Name}: wrong exception type: {outcome.Error}");
        var e = (GhnQatException)outcome.Error!;
        TestContext.Out.WriteLine($"{c.Name}: {outcome.AllocatedBytes} B, {outcome.Elapsed.TotalMilliseconds:F0} ms: {Head(e.Message)}");
        Assert.Multiple(() =>
        {
            Assert.That(e.Code, Is.EqualTo(c.Code), e.Message);
            Assert.That(e.Message, Does.Contain(parse.Source), "the message must name the file");
            Assert.That(e.Message, Does.Contain(c.Fragment));
            Assert.That(e.Message, Does.Not.Contain("\n"), "one line");
            Assert.That(e.Message.Length - parse.Source.Length, Is.LessThanOrEqualTo(MaxMessageChars),
                $"message of {e.Message.Length} chars: {Head(e.Message)}");
            Assert.That(outcome.AllocatedBytes, Is.LessThan(c.AllocationLimitBytes),
                $"allocated {outcome.AllocatedBytes} bytes in {outcome.Elapsed.TotalMilliseconds:F0} ms");
        });
    }

    private static string Head(string message) => message.Length <= 200 ? message : message[..200] + "…";
}
