// The one place that decides what a Vulkan test does without Vulkan: fail when GHNQAT_REQUIRE_VULKAN=1 (CI),
// otherwise Assert.Ignore with the reason. Also the shared "no validation messages" assertion.
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Vulkan;

namespace GhnQat.Runtime.Tests.Vulkan;

/// <summary>Creates validated instances and devices for tests and enforces the skip rule.</summary>
internal static class VulkanTestContext
{
    /// <summary>Set to 1 by the project's test command: a missing Vulkan or validation layer then fails the test.</summary>
    public const string RequireVariable = "GHNQAT_REQUIRE_VULKAN";

    /// <summary>Optional device name substring for the tests (e.g. "llvmpipe" to force lavapipe next to a GPU).</summary>
    public const string DeviceVariable = "GHNQAT_VULKAN_DEVICE";

    public static bool Required => Environment.GetEnvironmentVariable(RequireVariable) == "1";

    /// <summary>An instance with VK_LAYER_KHRONOS_validation on, or Ignore/Fail per the skip rule.</summary>
    public static VulkanInstance CreateInstance()
    {
        try
        {
            return new VulkanInstance(new VulkanInstanceOptions { EnableValidation = true });
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable)
        {
            Unavailable(e.Message);
            throw;   // not reached: Unavailable always throws NUnit's result exception
        }
    }

    /// <summary>A device on the default (or GHNQAT_VULKAN_DEVICE) physical device, or Ignore/Fail if there is none.</summary>
    public static VulkanDevice CreateDevice(VulkanInstance instance, VulkanOptionalFeatures features = VulkanOptionalFeatures.None)
    {
        string? name = Environment.GetEnvironmentVariable(DeviceVariable);
        try
        {
            return new VulkanDevice(instance, new VulkanDeviceOptions
            {
                DeviceNameContains = string.IsNullOrEmpty(name) ? null : name,
                RequiredFeatures = features,
            });
        }
        catch (GhnQatException e) when (e.Code == GhnQatErrorCode.VulkanUnavailable)
        {
            Unavailable(e.Message);
            throw;
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> on a validated instance, disposes the instance (so leaks reported at teardown
    /// count too), then asserts the layer reported nothing.
    /// </summary>
    public static void RunValidated(Action<VulkanInstance> body)
    {
        VulkanInstance instance = CreateInstance();
        using (instance)
        {
            body(instance);
        }

        AssertNoValidationMessages(instance);
    }

    /// <summary>As <see cref="RunValidated(Action{VulkanInstance})"/> with a device (disposed before the instance).</summary>
    public static void RunValidated(Action<VulkanDevice> body, VulkanOptionalFeatures features = VulkanOptionalFeatures.None) =>
        RunValidated(instance =>
        {
            using VulkanDevice device = CreateDevice(instance, features);
            body(device);
        });

    /// <summary>Applies the skip rule: Assert.Fail under GHNQAT_REQUIRE_VULKAN=1, else Assert.Ignore.</summary>
    public static void Unavailable(string reason)
    {
        if (Required)
        {
            Assert.Fail($"Vulkan is required ({RequireVariable}=1) but unavailable: {reason}");
        }

        Assert.Ignore($"Vulkan unavailable (set {RequireVariable}=1 to make this a failure): {reason}");
    }

    /// <summary>Asserts the validation layer reported no error and no warning; prints the messages otherwise.</summary>
    public static void AssertNoValidationMessages(VulkanInstance instance)
    {
        IReadOnlyList<string> messages = instance.ValidationMessages;
        string text = messages.Count == 0 ? "(none)" : string.Join(Environment.NewLine, messages);
        Assert.Multiple(() =>
        {
            Assert.That(instance.ValidationErrorCount, Is.Zero, $"validation errors:{Environment.NewLine}{text}");
            Assert.That(instance.ValidationWarningCount, Is.Zero, $"validation warnings:{Environment.NewLine}{text}");
        });
    }
}
