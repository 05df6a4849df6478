// The kinds of integer layer a QuantPlan fuses an ArchSpec into.
namespace GhnQat.Runtime.Quantization;

/// <summary>Kinds of integer layer (docs/quantization.md §3).</summary>
public enum PlanOp
{
    /// <summary>Conv (or hidden linear) with optional folded BN and fused ReLU/ReLU6.</summary>
    Conv,
    /// <summary>Add with optional fused ReLU/ReLU6.</summary>
    Add,
    /// <summary>Max pool on codes.</summary>
    MaxPool,
    /// <summary>Average pool.</summary>
    AvgPool,
    /// <summary>Global average pool.</summary>
    Gap,
    /// <summary>The last linear: float logits.</summary>
    Classifier,
}
