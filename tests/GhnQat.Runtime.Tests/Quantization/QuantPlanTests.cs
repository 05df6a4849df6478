// The deployment plan: fusion of conv+BN+activation and add+activation, tensor ids, and pools sharing scales.
using GhnQat.Runtime.Quantization;
using GhnQat.Runtime.Tests.Architectures;

namespace GhnQat.Runtime.Tests.Quantization;

[TestFixture]
public sealed class QuantPlanTests
{
    [Test]
    public void Build_InvertedResidual_FusesBnAndActivationsIntoConvs()
    {
        var plan = QuantPlan.Build(TestNets.InvertedResidual(), QuantScheme.W4A4);

        var layers = plan.Layers.Select(l => $"{l.Op}:{plan.Spec.Nodes[l.NodeIndex].Id}->{l.OutputId}");
        Assert.That(layers, Is.EqualTo(new[]
        {
            "Conv:stem->stem_r", "Conv:exp->exp_r", "Conv:dw->dw_r", "Conv:proj->proj_bn",
            "Add:add->add", "MaxPool:pool->pool", "Gap:gap->gap", "Classifier:fc->fc",
        }));
        Assert.That(plan.Layers[3].Activation, Is.Null);
        Assert.That(plan.Spec.Nodes[plan.Layers[3].BatchNorm!.Value].Id, Is.EqualTo("proj_bn"));
    }

    [Test]
    public void Build_InvertedResidual_PoolTakesItsScaleFromItsInput()
    {
        var plan = QuantPlan.Build(TestNets.InvertedResidual(), QuantScheme.W4A4);

        Assert.That(plan.Tensors.Select(t => t.Id), Is.EqualTo(new[] { "input", "stem_r", "exp_r", "dw_r", "proj_bn", "add", "pool", "gap" }));
        Assert.That(plan.Tensor("pool").ScaleSource, Is.EqualTo("add"));
        Assert.That(plan.Tensor("gap").ScaleSource, Is.EqualTo("gap"));
    }

    [Test]
    public void Build_ResidualWithReluAfterAdd_FusesTheReluIntoTheAdd()
    {
        var plan = QuantPlan.Build(TestNets.Residual(), QuantScheme.W8A8);

        var add = plan.Layers.Single(l => l.Op == PlanOp.Add);
        Assert.That((add.OutputId, plan.Tensor("r3").IsSigned), Is.EqualTo(("r3", false)));
        Assert.That(add.InputIds, Is.EqualTo(new[] { "b3", "r1" }));
    }
}
