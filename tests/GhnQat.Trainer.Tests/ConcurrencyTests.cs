// Concurrency.ForEachLargestFirst: every item once, largest first per thread, errors surfaced.
using System.Collections.Concurrent;
using GhnQat.Trainer;

namespace GhnQat.Trainer.Tests;

[TestFixture]
public sealed class ConcurrencyTests
{
    [TestCase(1)]
    [TestCase(2)]
    [TestCase(5)]
    public void ForEachLargestFirst_AnyWorkerCount_RunsEveryItemExactlyOnce(int workers)
    {
        var seen = new ConcurrentBag<int>();

        Concurrency.ForEachLargestFirst(37, workers, i => i % 7, seen.Add);

        Assert.That(seen.Order(), Is.EqualTo(Enumerable.Range(0, 37)));
    }

    [Test]
    public void ForEachLargestFirst_OneWorker_TakesItemsByDescendingCostThenIndex()
    {
        var order = new List<int>();

        Concurrency.ForEachLargestFirst(6, 1, i => new long[] { 3, 9, 1, 9, 5, 0 }[i], order.Add);

        Assert.That(order, Is.EqualTo(new[] { 1, 3, 4, 0, 2, 5 }));
    }

    [Test]
    public void ForEachLargestFirst_ItemThrows_OtherItemsStillRunAndTheErrorIsRaised()
    {
        var seen = new ConcurrentBag<int>();

        var e = Assert.Throws<AggregateException>(() => Concurrency.ForEachLargestFirst(10, 2, i => 0, i =>
        {
            if (i == 4) throw new InvalidOperationException("item 4");
            seen.Add(i);
        }));

        Assert.That(e!.InnerExceptions.Single().Message, Is.EqualTo("item 4"));
        Assert.That(seen, Has.Count.EqualTo(9));
    }
}
