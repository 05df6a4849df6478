// VK_EXT_debug_utils messenger loaded through vkGetInstanceProcAddr (no Silk extension package is served here),
// forwarding validation warnings and errors into a ValidationMessageLog.
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GhnQat.Runtime.Errors;
using Silk.NET.Core;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// Owns the debug-utils messenger of one instance. Lifetime has three steps because the same callback also serves
/// vkCreateInstance/vkDestroyInstance (through <see cref="CreateInfo"/> chained into the instance create info):
/// construct → <see cref="Attach"/> after the instance exists → <see cref="Detach"/> before vkDestroyInstance →
/// <see cref="Release"/> after it.
/// </summary>
internal sealed unsafe class VulkanDebugMessenger
{
    public const string ExtensionName = "VK_EXT_debug_utils";

    private GCHandle _logHandle;
    private DebugUtilsMessengerEXT _messenger;
    private Instance _instance;
    private delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void> _destroy;

    public VulkanDebugMessenger(ValidationMessageLog log) => _logHandle = GCHandle.Alloc(log);

    /// <summary>Create info for warnings and errors of every message type; valid while this object lives.</summary>
    public DebugUtilsMessengerCreateInfoEXT CreateInfo() => new()
    {
        SType = StructureType.DebugUtilsMessengerCreateInfoExt,
        MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
        MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt
            | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
        PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(&OnMessage),
        PUserData = (void*)GCHandle.ToIntPtr(_logHandle),
    };

    public void Attach(Vk vk, Instance instance)
    {
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            Load(vk, instance, "vkCreateDebugUtilsMessengerEXT");
        _destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
            Load(vk, instance, "vkDestroyDebugUtilsMessengerEXT");
        DebugUtilsMessengerCreateInfoEXT info = CreateInfo();
        DebugUtilsMessengerEXT messenger;
        VulkanCheck.Success(create(instance, &info, null, &messenger), "vkCreateDebugUtilsMessengerEXT");
        _messenger = messenger;
        _instance = instance;
    }

    public void Detach()
    {
        if (_messenger.Handle != 0)
        {
            _destroy(_instance, _messenger, null);
            _messenger = default;
        }
    }

    public void Release()
    {
        if (_logHandle.IsAllocated)
        {
            _logHandle.Free();
        }
    }

    private static nint Load(Vk vk, Instance instance, string name)
    {
        nint function = vk.GetInstanceProcAddr(instance, name);
        if (function == 0)
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                $"{name} is not exported by the Vulkan loader although {ExtensionName} was enabled");
        }

        return function;
    }

    // Called by the loader/layer on any thread; must never throw across the native boundary.
    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static Bool32 OnMessage(
        DebugUtilsMessageSeverityFlagsEXT severity,
        DebugUtilsMessageTypeFlagsEXT types,
        DebugUtilsMessengerCallbackDataEXT* data,
        void* userData)
    {
        if (userData is null || GCHandle.FromIntPtr((nint)userData).Target is not ValidationMessageLog log)
        {
            return Vk.False;
        }

        string id = data is null ? string.Empty : VulkanStrings.FromPointer(data->PMessageIdName);
        string text = data is null ? "(no message data)" : VulkanStrings.FromPointer(data->PMessage);
        string message = id.Length > 0 && !text.Contains(id, StringComparison.Ordinal) ? $"{id}: {text}" : text;
        log.Add((severity & DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt) != 0, $"({types}) {message}");
        return Vk.False;   // never abort the call that triggered the message
    }
}
