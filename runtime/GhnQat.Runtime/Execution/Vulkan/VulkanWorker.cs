// The Vulkan backend of a QuantizedNetwork (design §6): uploads the network once, builds and warms up one pipeline per
// kernel, and runs batches as one submit (or layer by layer for frame budgets), bit-exact with CpuReference.
using System.Diagnostics;
using GhnQat.Runtime.Errors;
using GhnQat.Runtime.Execution.Cpu;
using GhnQat.Runtime.Quantization;

namespace GhnQat.Runtime.Execution.Vulkan;

/// <summary>
/// A backend-bound worker: owns three device buffers (activations of every tensor, parameters, float images/logits),
/// one pipeline per kernel and a command stream. <see cref="Schedule"/> returns at once with a <see cref="VulkanJob"/>;
/// results are read with <see cref="PeekOutput"/> (worker-owned) or copied into caller spans. Steady-state inference
/// allocates nothing. Not thread-safe: drive one worker from one thread at a time; workers on different threads may
/// share one device. The caller owns the <see cref="VulkanDevice"/> and disposes the worker first. After a device
/// failure (VulkanError, or VulkanDeviceLost) the worker is faulted: without CPU fallback, dispose it and the device and
/// create new ones.
/// </summary>
public sealed class VulkanWorker : IDisposable
{
    private readonly VulkanNetworkPlan _plan;
    private readonly VulkanBuffer _activations;
    private readonly VulkanBuffer _parameters;
    private readonly VulkanBuffer _io;
    private readonly List<VulkanLayerDispatch> _kernels = [];
    private readonly VulkanCommandStream _stream;
    private readonly VulkanTimestampProfiler? _profiler;
    private readonly VulkanPipelineCache? _cache;
    private readonly VulkanWorkerOptions _options;
    private readonly float[]? _hostImages;   // a copy of the last batch, kept only for the CPU fallback
    private uint[] _scratch = [];
    private CpuReferenceResult? _cpuResult;
    private long _scheduled, _completed;
    private int _count, _nextKernel = -1;
    private bool _faulted, _disposed;
    private GhnQatErrorCode _faultCode = GhnQatErrorCode.VulkanError;

    /// <summary>Uploads <paramref name="network"/> to <paramref name="device"/> and builds its pipelines.</summary>
    /// <exception cref="GhnQatException">
    /// InvalidArgument for a bad batch size or a network too large for one storage buffer at that batch; VulkanError when
    /// a Vulkan call fails.
    /// </exception>
    public VulkanWorker(VulkanDevice device, QuantizedNetwork network, VulkanWorkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(network);
        _options = options ?? new VulkanWorkerOptions();
        if (_options.MaxBatch < 1 || _options.FenceTimeout <= TimeSpan.Zero)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"MaxBatch must be ≥ 1 and FenceTimeout positive, got {_options.MaxBatch} and {_options.FenceTimeout}");
        Device = device;
        Network = network;
        VulkanDeviceCapabilities caps = device.Info.Capabilities;
        uint local = _options.LocalSize != 0 ? _options.LocalSize : Math.Max(1, caps.SubgroupSize) * 8;
        _plan = new VulkanNetworkPlan(network, _options.MaxBatch, Math.Min(local, caps.MaxWorkGroupSizeX));
        try
        {
            _activations = new VulkanBuffer(device, CheckedBytes(_plan.ActivationWords, "activations"), VulkanBufferUsage.Storage);
            _parameters = new VulkanBuffer(device, CheckedBytes((ulong)_plan.Parameters.Length, "parameters"), VulkanBufferUsage.Storage);
            _io = new VulkanBuffer(device, CheckedBytes((ulong)_plan.IoFloats, "images and logits"), VulkanBufferUsage.Staging);
            _parameters.Upload<uint>(_plan.Parameters);
            _cache = _options.PipelineCachePath is { } path ? new VulkanPipelineCache(device, path) : null;
            foreach (VulkanKernelSpec spec in _plan.Kernels)
            {
                var pipeline = new ComputePipeline(device, spec.Variant, 3, VulkanPushConstants.SizeBytes, spec.Constants, _cache);
                _kernels.Add(new VulkanLayerDispatch(spec.Name, pipeline, spec.Push, spec.Pixels, spec.Blocks,
                    spec.PixelsPerInvocation, _plan.LocalSize));
                pipeline.BindBuffers(_activations, _parameters, _io);
            }

            _cache?.Save();
            _stream = new VulkanCommandStream(device);
            _profiler = _options.EnableProfiling ? new VulkanTimestampProfiler(device, _kernels.Count) : null;
            _hostImages = _options.AllowCpuFallback ? new float[_plan.InputFloats] : null;
            if (_options.WarmupAtLoad) Warmup();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The device (owned by the caller).</summary>
    public VulkanDevice Device { get; }

    /// <summary>The network run.</summary>
    public QuantizedNetwork Network { get; }

    /// <summary>Largest batch per job.</summary>
    public int MaxBatch => _plan.MaxBatch;

    /// <summary>Dispatches per job: the image quantization plus one per layer.</summary>
    public int KernelCount => _kernels.Count;

    /// <summary>Name of kernel <paramref name="index"/>: "input", then each layer's op node id.</summary>
    public string KernelName(int index) => _kernels[index].Name;

    /// <summary>Bytes of pipeline-cache data reused from <see cref="VulkanWorkerOptions.PipelineCachePath"/> (0: none or not matching).</summary>
    public int PipelineCacheBytesLoaded => _cache?.LoadedBytes ?? 0;

    /// <summary>Workgroup width used by every kernel.</summary>
    public uint LocalSize => _plan.LocalSize;

    /// <summary>True once the device failed and <see cref="VulkanWorkerOptions.AllowCpuFallback"/> moved work to the CPU.</summary>
    public bool IsUsingCpuFallback => _faulted && _hostImages is not null;

    /// <summary>Images in the latest job.</summary>
    public int Count => _count;

    /// <summary>
    /// Quantizes and runs <paramref name="count"/> images (layout [count, C, H, W]) as one submit and returns at once.
    /// Waits first for a previous job that is still running. Allocates nothing.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument for a wrong float count or batch; VulkanError or VulkanDeviceLost on device failure (unless falling back).</exception>
    public VulkanJob Schedule(ReadOnlySpan<float> images, int count)
    {
        if (!Prepare(images, count)) return new VulkanJob(this, _scheduled);
        _nextKernel = -1;
        try
        {
            _stream.Begin();
            _profiler?.Reset(_stream.Commands);
            _profiler?.Write(_stream.Commands, 0);
            for (int k = 0; k < _kernels.Count; k++)
            {
                _stream.Record(_kernels[k], (uint)count);
                _profiler?.Write(_stream.Commands, k + 1);
            }

            _stream.Submit();
        }
        catch (GhnQatException e) when (VulkanCheck.IsDeviceFailure(e))
        {
            if (!FallBack(e)) throw;
        }

        return new VulkanJob(this, _scheduled);
    }

    /// <summary>
    /// Starts a job that runs only when stepped: each <see cref="Step"/> submits kernels one by one until its budget is
    /// spent, so a frame loop can spread the layers of one inference over several frames.
    /// </summary>
    public void ScheduleSteps(ReadOnlySpan<float> images, int count)
    {
        _nextKernel = Prepare(images, count) ? 0 : -1;
    }

    /// <summary>
    /// Runs kernels of the job started by <see cref="ScheduleSteps"/>, one submit each, until
    /// <paramref name="budgetMs"/> milliseconds have passed (at least one kernel). Returns true when the job is done.
    /// </summary>
    public bool Step(double budgetMs)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long start = Stopwatch.GetTimestamp();
        while (_nextKernel >= 0)
        {
            try
            {
                _stream.Begin();
                _stream.Record(_kernels[_nextKernel], (uint)_count);
                _stream.Submit();
                _stream.Wait(_options.FenceTimeout);
            }
            catch (GhnQatException e) when (VulkanCheck.IsDeviceFailure(e))
            {
                if (!FallBack(e)) throw;
            }

            _nextKernel = _faulted || _nextKernel + 1 == _kernels.Count ? -1 : _nextKernel + 1;
            if (Stopwatch.GetElapsedTime(start).TotalMilliseconds >= budgetMs) break;
        }

        if (_nextKernel < 0) _completed = _scheduled;
        return _nextKernel < 0;
    }

    /// <summary>
    /// As <see cref="ScheduleSteps"/>, as an enumerator: each MoveNext runs one kernel and yields its name (Sentis'
    /// ScheduleIterable). Allocates the enumerator; use <see cref="Step"/> for allocation-free stepping.
    /// </summary>
    public IEnumerable<string> ScheduleIterable(ReadOnlySpan<float> images, int count)
    {
        ScheduleSteps(images, count);
        return Iterate();
    }

    /// <summary>Runs every pipeline once on a blank image and waits (the driver compiles shaders on first use).</summary>
    public void Warmup()
    {
        var blank = new float[Network.Spec.Input.ElementCount];
        Schedule(blank, 1).Wait();
    }

    /// <summary>
    /// The latest job's logits, [Count, classes], worker-owned: valid until the next schedule or disposal. Waits for the job.
    /// </summary>
    public ReadOnlySpan<float> PeekOutput()
    {
        WaitLatest();
        int length = _count * Network.Spec.Classes;
        return _cpuResult is not null && _faulted
            ? _cpuResult.Logits.AsSpan(0, length)
            : _io.MappedSpan<float>(_plan.LogitsOffset * sizeof(float), length);
    }

    /// <summary>Copies the latest job's logits, [Count, classes], into the caller-owned <paramref name="destination"/>.</summary>
    /// <exception cref="GhnQatException">InvalidArgument when the destination is shorter than Count × classes.</exception>
    public void ReadLogits(Span<float> destination)
    {
        ReadOnlySpan<float> logits = PeekOutput();
        if (destination.Length < logits.Length)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"logits need {logits.Length} floats, the destination holds {destination.Length}");
        logits.CopyTo(destination);
    }

    /// <summary>
    /// Unpacks the latest job's codes of tensor <paramref name="tensorId"/> ("input" or a layer output id) into the
    /// caller-owned <paramref name="destination"/>, layout [Count, C, H, W] as in CpuReference.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument for an unknown tensor or a short destination.</exception>
    public void ReadCodes(string tensorId, Span<int> destination)
    {
        ArgumentNullException.ThrowIfNull(tensorId);
        WaitLatest();
        if (!_plan.Layouts.TryGetValue(tensorId, out VulkanTensorLayout layout))
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"network '{Network.Spec.Name}' has no quantized tensor '{tensorId}'");
        int perImage = layout.ImageCodes;
        if (destination.Length < _count * perImage)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, $"tensor '{tensorId}' needs {_count * perImage} ints, the destination holds {destination.Length}");
        if (_cpuResult is not null && _faulted)
        {
            _cpuResult.Codes[tensorId].AsSpan(0, _count * perImage).CopyTo(destination);
            return;
        }

        if (_scratch.Length < layout.ImageWords) _scratch = new uint[layout.ImageWords];
        Span<uint> words = _scratch.AsSpan(0, layout.ImageWords);
        for (int n = 0; n < _count; n++)
        {
            _activations.Download(words, ((ulong)layout.BaseWord + ((ulong)n * (ulong)layout.ImageWords)) * sizeof(uint));
            layout.Unpack(words, destination.Slice(n * perImage, perImage));
        }
    }

    /// <summary>
    /// Device milliseconds of each kernel (<see cref="KernelName"/> order) of the latest <see cref="Schedule"/> job, from
    /// timestamp queries, into the caller-owned <paramref name="kernelMs"/> (at least <see cref="KernelCount"/> long).
    /// Waits for the job.
    /// </summary>
    /// <exception cref="GhnQatException">InvalidArgument when profiling was not enabled or the span is short.</exception>
    public void ReadProfile(Span<double> kernelMs)
    {
        WaitLatest();
        if (_profiler is null || _faulted || kernelMs.Length < _kernels.Count)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"ReadProfile needs EnableProfiling, a working device and {_kernels.Count} doubles (got {kernelMs.Length})");
        _profiler.Read(kernelMs, _kernels.Count);
    }

    /// <summary>Waits for pending work, then destroys kernels, buffers and the stream in reverse creation order.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        // Pending work must finish before its query pool and command pool go; the result is ignored (a lost device
        // must still be torn down).
        if (_stream is { IsPending: true }) _ = Device.WaitIdle();
        _profiler?.Dispose();
        _stream?.Dispose();
        for (int i = _kernels.Count - 1; i >= 0; i--) _kernels[i].Dispose();
        _cache?.Dispose();
        _io?.Dispose();
        _parameters?.Dispose();
        _activations?.Dispose();
    }

    internal bool IsComplete(long sequence)
    {
        if (sequence <= _completed || _faulted || _nextKernel >= 0) return sequence <= _completed || _faulted;
        try
        {
            if (_stream.Poll()) _completed = _scheduled;
        }
        catch (GhnQatException e) when (VulkanCheck.IsDeviceFailure(e))
        {
            if (!FallBack(e)) throw;
        }

        return sequence <= _completed;
    }

    internal void WaitFor(long sequence)
    {
        if (sequence <= _completed) return;
        if (_nextKernel >= 0)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "this job runs by Step: call Step until it returns true");
        if (_faulted)
        {
            RunOnCpu();
            return;
        }

        try
        {
            _stream.Wait(_options.FenceTimeout);
            _completed = _scheduled;
        }
        catch (GhnQatException e) when (VulkanCheck.IsDeviceFailure(e))
        {
            if (!FallBack(e)) throw;
        }
    }

    private IEnumerable<string> Iterate()
    {
        while (_nextKernel >= 0)
        {
            string name = _kernels[_nextKernel].Name;
            Step(0);
            yield return name;
        }
    }

    // Validates, waits for the previous job, copies the images in; false when the CPU fallback already ran them.
    private bool Prepare(ReadOnlySpan<float> images, int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long perImage = Network.Spec.Input.ElementCount;
        if (count < 1 || count > MaxBatch || images.Length != count * perImage)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
                $"network '{Network.Spec.Name}': {images.Length} floats for {count} images; expected 1 ≤ count ≤ {MaxBatch} and count × {perImage} floats");
        if (!_faulted && _stream.IsPending) WaitFor(_scheduled);
        _scheduled++;
        _count = count;
        if (_hostImages is not null) images.CopyTo(_hostImages);
        if (!_faulted) images.CopyTo(_io.MappedSpan<float>(0, images.Length));
        if (!_faulted) return true;
        RunOnCpu();
        return false;
    }

    // After a Vulkan failure: faults the worker; with the fallback allowed, reruns the job on the CPU and returns true.
    private bool FallBack(GhnQatException failure)
    {
        if (!_faulted) _faultCode = failure.Code;
        _faulted = true;
        _nextKernel = -1;
        if (_hostImages is null) return false;
        RunOnCpu();
        return true;
    }

    private void RunOnCpu()
    {
        if (_hostImages is null)
            throw new GhnQatException(_faultCode,
                $"the Vulkan device '{Device.Info.Name}' failed earlier ({(_faultCode == GhnQatErrorCode.VulkanDeviceLost ? "lost" : "failed or hung")}); dispose this worker and its device and create new ones, or allow the CPU fallback");
        if (_completed == _scheduled && _cpuResult is not null) return;
        int floats = _count * (int)Network.Spec.Input.ElementCount;
        _cpuResult = new CpuReference(Network).Run(_hostImages.AsSpan(0, floats), _count, keepCodes: true);
        _nextKernel = -1;
        _completed = _scheduled;
    }

    private void WaitLatest()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_scheduled == 0)
            throw new GhnQatException(GhnQatErrorCode.InvalidArgument, "nothing was scheduled on this worker yet");
        WaitFor(_scheduled);
    }

    private ulong CheckedBytes(ulong elements, string what)
    {
        ulong bytes = elements * 4;
        ulong max = Device.Info.Capabilities.MaxStorageBufferRange;
        return bytes <= max ? bytes : throw new GhnQatException(GhnQatErrorCode.InvalidArgument,
            $"network '{Network.Spec.Name}' needs {bytes} bytes of {what} at MaxBatch {MaxBatch}, over the device's maxStorageBufferRange of {max}: use a smaller MaxBatch");
    }
}
