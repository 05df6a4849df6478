// The Vulkan instance of the kit (API 1.2), optionally under the validation layer with a message-counting
// debug messenger. Owns the Silk Vk API object; every other Vulkan wrapper hangs off it.
using GhnQat.Runtime.Errors;
using Silk.NET.Core.Native;
using Silk.NET.Vulkan;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A VkInstance at API version 1.2 (what the vulkan1.2 SPIR-V target needs). Dispose it last, after every device
/// created from it. With validation on, <see cref="ValidationErrorCount"/> and <see cref="ValidationWarningCount"/>
/// count what the layer reported over the instance's whole life.
/// </summary>
public sealed unsafe class VulkanInstance : IDisposable
{
    /// <summary>The Khronos validation layer (Debian package <c>vulkan-validationlayers</c>).</summary>
    public const string ValidationLayerName = "VK_LAYER_KHRONOS_validation";

    private readonly ValidationMessageLog _log;
    private readonly VulkanDebugMessenger? _messenger;
    private IReadOnlyList<VulkanPhysicalDeviceInfo>? _devices;
    private bool _disposed;

    /// <summary>Loads the Vulkan loader and creates the instance.</summary>
    /// <exception cref="GhnQatException">
    /// VulkanUnavailable when libvulkan, a driver, Vulkan 1.2 or the requested validation layer is missing;
    /// VulkanError when a Vulkan call fails otherwise.
    /// </exception>
    public VulkanInstance(VulkanInstanceOptions? options = null)
    {
        options ??= new VulkanInstanceOptions();
        _log = new ValidationMessageLog(Math.Max(1, options.MaxKeptMessages));
        Api = LoadApi(options.LoaderLibrary);
        try
        {
            RequireLoaderVersion12(Api);
            if (options.EnableValidation)
            {
                RequireValidationLayer(Api);
                _messenger = new VulkanDebugMessenger(_log);
            }

            Handle = Create(Api, options, _messenger);
            ValidationEnabled = options.EnableValidation;
            _messenger?.Attach(Api, Handle);
        }
        catch
        {
            DisposeCore();
            throw;
        }
    }

    /// <summary>The Silk.NET API object (function table); valid while this instance lives.</summary>
    public Vk Api { get; }

    /// <summary>The native instance handle; valid while this instance lives.</summary>
    public Instance Handle { get; }

    /// <summary>Whether the validation layer and the message counter are active.</summary>
    public bool ValidationEnabled { get; }

    /// <summary>Validation (and loader) messages of error severity seen so far.</summary>
    public int ValidationErrorCount => _log.ErrorCount;

    /// <summary>Validation (and loader) messages of warning severity seen so far.</summary>
    public int ValidationWarningCount => _log.WarningCount;

    /// <summary>The most recent warning and error messages, oldest first (a snapshot).</summary>
    public IReadOnlyList<string> ValidationMessages => _log.Snapshot();

    /// <summary>Every physical device with its properties and capabilities, in the driver's order (cached).</summary>
    /// <exception cref="GhnQatException">VulkanError when enumeration fails.</exception>
    public IReadOnlyList<VulkanPhysicalDeviceInfo> PhysicalDevices
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _devices ??= VulkanPhysicalDeviceQuery.Enumerate(Api, Handle);
        }
    }

    /// <summary>Destroys the messenger and the instance. Devices created from it must be disposed first.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            DisposeCore();
        }
    }

    private void DisposeCore()
    {
        _messenger?.Detach();
        if (Handle.Handle != 0)
        {
            Api.DestroyInstance(Handle, null);
        }

        // After vkDestroyInstance: the chained create info may still report through the callback until then.
        _messenger?.Release();
        Api.Dispose();
    }

    private static Vk LoadApi(string? library)
    {
        try
        {
            return library is null ? Vk.GetApi() : new Vk(Vk.CreateDefaultContext([library]));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Silk's loader reports a missing library with different exception types across versions and platforms.
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                $"the Vulkan loader ({library ?? "libvulkan.so.1"}) could not be loaded: run scripts/setup " +
                "(apt packages libvulkan1 and mesa-vulkan-drivers)", e);
        }
    }

    private static void RequireLoaderVersion12(Vk vk)
    {
        uint version = 0;
        Result result = vk.EnumerateInstanceVersion(ref version);
        if (result != Result.Success || version < VulkanStrings.MakeApiVersion(1, 2, 0))
        {
            throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                $"the Vulkan loader supports instance version {VulkanStrings.ApiVersion(version)}; GhnQat needs 1.2 " +
                "(update libvulkan1)");
        }
    }

    private static void RequireValidationLayer(Vk vk)
    {
        uint count = 0;
        VulkanCheck.Success(vk.EnumerateInstanceLayerProperties(ref count, null), "vkEnumerateInstanceLayerProperties");
        var layers = new LayerProperties[count];
        fixed (LayerProperties* p = layers)
        {
            VulkanCheck.Success(vk.EnumerateInstanceLayerProperties(ref count, p), "vkEnumerateInstanceLayerProperties");
        }

        foreach (LayerProperties layer in layers.AsSpan(0, (int)count))
        {
            if (VulkanStrings.FromFixed(layer.LayerName, (int)Vk.MaxExtensionNameSize) == ValidationLayerName)
            {
                return;
            }
        }

        throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
            $"Vulkan validation was requested but the layer {ValidationLayerName} is not installed: " +
            "run scripts/setup (apt package vulkan-validationlayers)");
    }

    private static Instance Create(Vk vk, VulkanInstanceOptions options, VulkanDebugMessenger? messenger)
    {
        nint appName = SilkMarshal.StringToPtr(options.ApplicationName);
        nint engineName = SilkMarshal.StringToPtr("GhnQat.Runtime");
        nint layerNames = SilkMarshal.StringArrayToPtr(messenger is null ? [] : [ValidationLayerName]);
        nint extensionNames = SilkMarshal.StringArrayToPtr(messenger is null ? [] : [VulkanDebugMessenger.ExtensionName]);
        try
        {
            var app = new ApplicationInfo
            {
                SType = StructureType.ApplicationInfo,
                PApplicationName = (byte*)appName,
                PEngineName = (byte*)engineName,
                ApiVersion = VulkanStrings.MakeApiVersion(1, 2, 0),
            };
            DebugUtilsMessengerCreateInfoEXT messengerInfo = messenger?.CreateInfo() ?? default;
            var info = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo,
                PNext = messenger is null ? null : &messengerInfo,
                PApplicationInfo = &app,
                EnabledLayerCount = messenger is null ? 0u : 1u,
                PpEnabledLayerNames = (byte**)layerNames,
                EnabledExtensionCount = messenger is null ? 0u : 1u,
                PpEnabledExtensionNames = (byte**)extensionNames,
            };
            Instance instance;
            Result result = vk.CreateInstance(&info, null, &instance);
            if (result is Result.ErrorIncompatibleDriver or Result.ErrorLayerNotPresent or Result.ErrorExtensionNotPresent
                or Result.ErrorInitializationFailed)
            {
                throw new GhnQatException(GhnQatErrorCode.VulkanUnavailable,
                    $"vkCreateInstance failed: {VulkanCheck.Name(result)} (no usable Vulkan driver: run scripts/setup, " +
                    "apt package mesa-vulkan-drivers for the lavapipe CPU driver)");
            }

            VulkanCheck.Success(result, "vkCreateInstance");
            return instance;
        }
        finally
        {
            SilkMarshal.Free(appName);
            SilkMarshal.Free(engineName);
            SilkMarshal.Free(layerNames);
            SilkMarshal.Free(extensionNames);
        }
    }
}
