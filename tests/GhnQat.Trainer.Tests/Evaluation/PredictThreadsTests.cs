// Evaluations must not depend on --threads: the GHN predicts on one intra-op thread, and parallel helpers hand the
// caller's thread back with the intra-op setting it had.
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using GhnQat.Runtime.Hypernet;
using GhnQat.Trainer.Evaluation;
using GhnQat.Trainer.Ghn;
using GhnQat.Trainer.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GhnQat.Trainer.Tests.Evaluation;

[NonParallelizable] // changes torch's intra-op thread setting of the test thread
public class PredictThreadsTests
{
    private int _threads;

    [SetUp]
    public void Remember() => _threads = torch.get_num_threads();

    [TearDown]
    public void Restore() => torch.set_num_threads(_threads);

    [Test]
    public void Predict_CallerOnOneOrTwoThreads_SameTensorsAndTheCallersSettingKept()
    {
        manual_seed(5);
        // Hidden 64: wide enough that libtorch splits its work when it may use two threads.
        using var ghn = new Ghn2(TrainConfig.Tiny.Ghn with { Hidden = 64 }, GraphVocabulary.CreateGhn2(ArchSpace.Classes));
        var spec = ArchSpace.Sample(ArchSplit.Wide, 1, 1)[0];

        torch.set_num_threads(2);
        var two = NetEvaluator.Predict(ghn, spec);
        Assert.That(torch.get_num_threads(), Is.EqualTo(2));
        torch.set_num_threads(1);
        var one = NetEvaluator.Predict(ghn, spec);
        Assert.That(torch.get_num_threads(), Is.EqualTo(1));

        Assert.That(one.Keys, Is.EquivalentTo(two.Keys));
        foreach (var (name, t) in one)
            Assert.That(t.data<float>().ToArray(), Is.EqualTo(two[name].data<float>().ToArray()), name);
        foreach (var t in one.Values.Concat(two.Values)) t.Dispose();
    }

    [Test]
    public void ForEachLargestFirst_CallerThreadSettingRestored()
    {
        torch.set_num_threads(2);
        Concurrency.ForEachLargestFirst(4, 2, i => i, _ => { });
        Assert.That(torch.get_num_threads(), Is.EqualTo(2));
    }
}
