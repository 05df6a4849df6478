// Error codes carried by every GhnQatException, so callers can branch without parsing messages.
namespace GhnQat.Runtime.Errors;

/// <summary>What kind of failure a <see cref="GhnQatException"/> reports.</summary>
public enum GhnQatErrorCode
{
    /// <summary>An architecture description is malformed or violates a rule (the message names the node).</summary>
    InvalidArchSpec = 1,
    /// <summary>A file does not follow its format (the message names the file and the field).</summary>
    InvalidFile = 2,
    /// <summary>A dataset file is missing, truncated or of the wrong kind.</summary>
    InvalidDataset = 3,
    /// <summary>No usable Vulkan loader, driver or device.</summary>
    VulkanUnavailable = 4,
    /// <summary>A Vulkan call failed or the validation layer reported an error.</summary>
    VulkanError = 5,
    /// <summary>An argument passed through the API or the CLI is out of range.</summary>
    InvalidArgument = 6,
    /// <summary>
    /// The Vulkan device was lost (VK_ERROR_DEVICE_LOST: driver reset, GPU hang, removal). Every worker on it and the
    /// device itself must be disposed and created anew; a worker with CPU fallback allowed keeps running on the CPU.
    /// </summary>
    VulkanDeviceLost = 7,
}
