// Validates an ArchSpec in O(nodes + edges) without recursion, and infers shapes, parameters and MACs.
using System.Globalization;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Checks ids, attributes, wiring (dangling inputs, cycles, sinks) and shapes. Every error names the node and
/// what was expected. Nodes that are already in topological order keep their order; otherwise they are sorted by
/// Kahn's algorithm, breaking ties by the original position.
/// </summary>
internal static class ArchSpecValidator
{
    public static ArchAnalysis Validate(string name, ActivationShape input, int classes, IReadOnlyList<ArchNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        // The count cap comes first so a 10⁶-node spec is rejected before any per-node work.
        if (nodes.Count > ArchLimits.MaxNodes)
            throw Error($"spec has {nodes.Count} nodes; at most {ArchLimits.MaxNodes} are allowed");
        if (nodes.Count == 0) throw Error("spec has no nodes; expected at least a gap and a linear classifier");
        CheckHeader(name, input, classes);

        int n = nodes.Count;
        var index = new Dictionary<string, int>(n, StringComparer.Ordinal);
        for (int i = 0; i < n; i++)
        {
            var node = nodes[i] ?? throw Error($"nodes[{i}] is null");
            CheckId(node.Id, i);
            if (!index.TryAdd(node.Id, i)) throw Error($"node '{node.Id}': duplicate id (also nodes[{index[node.Id]}])");
            ArchNodeChecks.CheckAttributes(node);
        }

        // Resolve inputs to positions; -1 is the image.
        var inputs = new int[n][];
        var outDegree = new int[n];
        var inDegree = new int[n];
        bool sorted = true;
        for (int i = 0; i < n; i++)
        {
            var node = nodes[i];
            var resolved = new int[node.Inputs.Count];
            for (int j = 0; j < resolved.Length; j++)
            {
                string src = node.Inputs[j];
                if (string.Equals(src, ArchNode.InputId, StringComparison.Ordinal)) { resolved[j] = -1; continue; }
                if (!index.TryGetValue(src ?? "", out int k))
                    throw Error($"node '{node.Id}': input '{Shown(src ?? "")}' is not a node id or '{ArchNode.InputId}' (dangling input)");
                if (k == i) throw Error($"node '{node.Id}': reads its own output (cycle {node.Id} -> {node.Id})");
                resolved[j] = k;
                outDegree[k]++;
                inDegree[i]++;
                if (k > i) sorted = false;
            }
            inputs[i] = resolved;
        }

        int[] order = sorted ? Enumerable.Range(0, n).ToArray() : GraphOrder.TopologicalSort(nodes, inputs, inDegree, outDegree);

        // Re-index everything by topological position.
        var pos = new int[n];
        for (int p = 0; p < n; p++) pos[order[p]] = p;
        var ordered = new ArchNode[n];
        var orderedInputs = new int[n][];
        for (int p = 0; p < n; p++)
        {
            ordered[p] = nodes[order[p]];
            orderedInputs[p] = inputs[order[p]].Select(k => k < 0 ? -1 : pos[k]).ToArray();
        }

        var shapes = new ActivationShape[n];
        var parameters = new long[n];
        var macs = new long[n];
        var depth = new int[n];
        long totalParams = 0, totalMacs = 0;
        for (int p = 0; p < n; p++)
        {
            var node = ordered[p];
            var inShapes = new ActivationShape[orderedInputs[p].Length];
            int inDepth = 0;
            for (int j = 0; j < inShapes.Length; j++)
            {
                int k = orderedInputs[p][j];
                inShapes[j] = k < 0 ? input : shapes[k];
                if (k >= 0) inDepth = Math.Max(inDepth, depth[k]);
            }
            var names = orderedInputs[p].Select(k => k < 0 ? ArchNode.InputId : ordered[k].Id).ToArray();
            shapes[p] = ArchNodeChecks.InferShape(node, inShapes, names, out parameters[p], out macs[p]);
            depth[p] = inDepth + (node.Op is ArchOp.Conv or ArchOp.Linear ? 1 : 0);
            try
            {
                totalParams = checked(totalParams + parameters[p]);
                totalMacs = checked(totalMacs + macs[p]);
            }
            catch (OverflowException)
            {
                throw Error($"node '{node.Id}': the net's parameter or MAC count overflows a 64-bit integer");
            }
            if (totalParams > ArchLimits.MaxParameters)
                throw Error($"node '{node.Id}': the net exceeds {ArchLimits.MaxParameters} parameters ({totalParams} so far)");
        }

        CheckSink(ordered, orderedInputs, shapes, classes);
        return new ArchAnalysis(ordered, orderedInputs, shapes, parameters, macs, totalParams, totalMacs, depth[n - 1]);
    }

    private static void CheckHeader(string name, ActivationShape input, int classes)
    {
        if (string.IsNullOrEmpty(name) || name.Length > ArchLimits.MaxNameLength)
            throw Error($"spec name must have 1 to {ArchLimits.MaxNameLength} characters");
        if (input.IsVector) throw Error("input must be an image (channels, height, width), not a vector");
        if (input.Channels < 1 || input.Channels > ArchLimits.MaxInputChannels)
            throw Error($"input channels must be 1..{ArchLimits.MaxInputChannels}, got {input.Channels}");
        if (input.Height < 1 || input.Height > ArchLimits.MaxInputSide || input.Width < 1 || input.Width > ArchLimits.MaxInputSide)
            throw Error($"input height and width must be 1..{ArchLimits.MaxInputSide}, got {input.Height}x{input.Width}");
        if (classes < 1 || classes > ArchLimits.MaxClasses)
            throw Error($"classes must be 1..{ArchLimits.MaxClasses}, got {classes}");
    }

    private static void CheckId(string? id, int i)
    {
        if (string.IsNullOrEmpty(id)) throw Error($"nodes[{i}]: id is empty");
        if (id.Length > ArchLimits.MaxIdLength)
            throw Error($"nodes[{i}]: id '{id[..16]}…' is longer than {ArchLimits.MaxIdLength} characters");
        foreach (char c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
                throw Error($"node '{id}': id may only contain letters, digits, '_' and '-'");
        }
        if (string.Equals(id, ArchNode.InputId, StringComparison.Ordinal))
            throw Error($"nodes[{i}]: id '{ArchNode.InputId}' is reserved for the image");
    }

    // The single sink must be the classifier; every other node must feed something (i.e. reach the classifier).
    private static void CheckSink(ArchNode[] ordered, int[][] inputs, ActivationShape[] shapes, int classes)
    {
        int n = ordered.Length;
        var used = new bool[n];
        foreach (var row in inputs) foreach (int k in row) if (k >= 0) used[k] = true;
        var last = ordered[n - 1];
        for (int p = 0; p < n - 1; p++)
        {
            if (!used[p])
                throw Error($"node '{ordered[p].Id}': output is never used, so it cannot reach the classifier " +
                    $"'{last.Id}' (the net must have exactly one sink)");
        }
        if (last.Op != ArchOp.Linear || shapes[n - 1].Channels != classes)
            throw Error($"node '{last.Id}': the last node (the only sink) must be the linear classifier with out = {classes} " +
                $"classes; got {ArchOps.Name(last.Op)} with output {shapes[n - 1]}");
    }

    /// <summary>
    /// Text from the input as quoted in messages: at most <paramref name="max"/> characters, then the full length,
    /// so a megabyte string cannot turn one error line into a megabyte.
    /// </summary>
    internal static string Shown(string text, int max = 64) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $"…({text.Length} chars)");

    internal static GhnQatException Error(string message) => new(GhnQatErrorCode.InvalidArchSpec, message);

    internal static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
