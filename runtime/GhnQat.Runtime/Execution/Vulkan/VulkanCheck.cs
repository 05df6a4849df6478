// Turns VkResult codes into GhnQatException(VulkanError, or VulkanDeviceLost) with the call and the Vulkan name of the
// code, e.g. "vkCreateBuffer failed: VK_ERROR_OUT_OF_DEVICE_MEMORY".
using System.Text;
using GhnQat.Runtime.Errors;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>Checks every VkResult; anything but VK_SUCCESS becomes a <see cref="GhnQatException"/>.</summary>
internal static class VulkanCheck
{
    public static void Success(Result result, string call)
    {
        if (result != Result.Success)
        {
            throw Failure(result, call);
        }
    }

    /// <summary>VulkanDeviceLost for VK_ERROR_DEVICE_LOST (the caller must recreate the device), VulkanError otherwise.</summary>
    public static GhnQatException Failure(Result result, string call) =>
        result == Result.ErrorDeviceLost
            ? new(GhnQatErrorCode.VulkanDeviceLost,
                $"{call} failed: {Name(result)} (dispose every worker on this device and the device, then create new ones)")
            : new(GhnQatErrorCode.VulkanError, $"{call} failed: {Name(result)}");

    /// <summary>Whether <paramref name="e"/> reports a failing or lost device (the errors a worker may fall back from).</summary>
    public static bool IsDeviceFailure(GhnQatException e) =>
        e.Code is GhnQatErrorCode.VulkanError or GhnQatErrorCode.VulkanDeviceLost;

    /// <summary>The C name of a result: Silk's ErrorOutOfDeviceMemory → VK_ERROR_OUT_OF_DEVICE_MEMORY.</summary>
    public static string Name(Result result)
    {
        string pascal = result.ToString();
        if (pascal.Length == 0 || char.IsDigit(pascal[0]) || pascal[0] == '-')
        {
            return $"VkResult {(int)result}";
        }

        var snake = new StringBuilder("VK_", pascal.Length + 8);
        for (int i = 0; i < pascal.Length; i++)
        {
            char c = pascal[i];
            bool boundary = i > 0 && char.IsUpper(c) && (char.IsLower(pascal[i - 1]) || char.IsDigit(pascal[i - 1]));
            if (boundary)
            {
                snake.Append('_');
            }

            snake.Append(char.ToUpperInvariant(c));
        }

        return snake.ToString();
    }
}
