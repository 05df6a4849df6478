// What one training step reports: loss, accuracy, learning rate, time, and whether the NaN guard skipped it.
namespace GhnQat.Trainer.Training;

/// <summary>One meta-batch step.</summary>
/// <param name="Step">0-based step index.</param>
/// <param name="Loss">Mean cross-entropy over the meta-batch's nets (NaN when skipped).</param>
/// <param name="Accuracy">Top-1 on the step's images, averaged over nets.</param>
/// <param name="LearningRate">Learning rate used.</param>
/// <param name="Milliseconds">Wall time of the step.</param>
/// <param name="Skipped">True when the loss or the gradient norm was not finite and no update was made.</param>
/// <param name="SkipReason">Why the update was skipped ("loss not finite", "gradient norm not finite"); null otherwise.</param>
public sealed record StepResult(int Step, double Loss, double Accuracy, double LearningRate, double Milliseconds, bool Skipped,
    string? SkipReason = null);
