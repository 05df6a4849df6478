// `ghnqat archs show FILE`: validates a spec and prints its graph summary (nodes by kind, edges, params, MACs).
using System.ComponentModel;
using System.Globalization;
using GhnQat.Cli.Output;
using GhnQat.Runtime.Architectures;
using GhnQat.Runtime.Graphs;
using Spectre.Console.Cli;

// Namespace GhnQat.Cli.Archs, not ...Commands.Archs: a namespace named Commands would clash with the Commands class.
namespace GhnQat.Cli.Archs;

/// <summary>Loads, validates and summarizes one ArchSpec file and its GHN-2 graph.</summary>
internal sealed class ArchsShowCommand : Command<ArchsShowCommand.Settings>
{
    /// <summary>Arguments of <c>archs show</c>.</summary>
    public sealed class Settings : JsonSettings
    {
        /// <summary>The spec file.</summary>
        [CommandArgument(0, "<FILE>")]
        [Description("ArchSpec JSON file.")]
        public string File { get; init; } = "";

        /// <summary>Also list every graph node and parameter tensor.</summary>
        [CommandOption("--detail")]
        [Description("Also list every graph node (op, shape, vocabulary rows, levels) and parameter tensor.")]
        public bool Detail { get; init; }

        /// <summary>Virtual-edge cutoff.</summary>
        [CommandOption("--smax <S>")]
        [Description("Virtual-edge cutoff s_max (GHN-2: 50; 1 = none).")]
        [DefaultValue(ArchGraph.DefaultMaxVirtualEdgeLength)]
        public int MaxVirtualEdgeLength { get; init; } = ArchGraph.DefaultMaxVirtualEdgeLength;
    }

    /// <inheritdoc />
    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var spec = ArchSpec.Load(settings.File);
        var graph = ArchGraph.Build(spec, maxVirtualEdgeLength: settings.MaxVirtualEdgeLength);
        var o = Console.Out;
        var inv = CultureInfo.InvariantCulture;
        var specOps = spec.Nodes.GroupBy(n => n.Op).OrderBy(g => g.Key).Select(g => $"{ArchOps.Name(g.Key)} {g.Count()}");
        var counts = graph.CountByOp();
        var graphOps = Enumerable.Range(0, counts.Count).Where(i => counts[i] > 0).Select(i => $"{graph.Vocabulary.Ops[i]} {counts[i]}");
        var roles = graph.Parameters.GroupBy(p => p.Role).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}");
        if (settings.Json)
        {
            using var json = JsonStdout.Begin(enabled: true);
            json.Print(Document(spec, graph, settings.Detail));
            return CliApp.ExitOk;
        }

        o.WriteLine($"spec        {spec.Name}: input {spec.Input}, {spec.Classes} classes, hash {spec.StructureHash.ToString("x16", inv)}");
        o.WriteLine($"spec nodes  {spec.Nodes.Count}: {string.Join(", ", specOps)}");
        o.WriteLine(string.Create(inv, $"params      {spec.ParameterCount}   MACs {spec.Macs}   depth {spec.Depth} (conv/linear layers on the longest path)"));
        o.WriteLine($"graph nodes {graph.Nodes.Count}: {string.Join(", ", graphOps)}");
        o.WriteLine(string.Create(inv, $"edges       {graph.Edges.Count} real, {graph.VirtualEdges.Count} virtual (s ≤ {graph.MaxVirtualEdgeLength})"));
        o.WriteLine(string.Create(inv, $"levels      {graph.ForwardLevels.Count} forward, {graph.BackwardLevels.Count} backward"));
        o.WriteLine($"tensors     {graph.Parameters.Count}: {string.Join(", ", roles)}; {graph.ParameterCount} elements");
        if (!settings.Detail) return CliApp.ExitOk;

        o.WriteLine("index  name                      op         shape            rows              fwd  bwd");
        foreach (var n in graph.Nodes)
        {
            string shape = n.TensorShape.Count == 0 ? "-" : string.Join("x", n.TensorShape);
            o.WriteLine(string.Create(inv,
                $"{n.Index,5}  {n.Name,-25} {graph.Vocabulary.Ops[n.OpIndex],-10} {shape,-16} {string.Join(",", n.ShapeIndices),-17} {n.ForwardLevel,3}  {n.BackwardLevel,3}"));
        }
        foreach (var p in graph.Parameters)
            o.WriteLine(string.Create(inv, $"tensor {p.Index,4}  {p.Name,-30} {p.Role,-16} {string.Join("x", p.Shape),-16} node {p.NodeIndex}"));
        return CliApp.ExitOk;
    }

    // The same facts as the text, as one object; --detail adds the node and tensor lists.
    private static object Document(ArchSpec spec, ArchGraph graph, bool detail)
    {
        var counts = graph.CountByOp();
        return new
        {
            name = spec.Name,
            input = new { channels = spec.Input.Channels, height = spec.Input.Height, width = spec.Input.Width },
            classes = spec.Classes,
            structure_hash = spec.StructureHash.ToString("x16", CultureInfo.InvariantCulture),
            spec_nodes = spec.Nodes.Count,
            spec_ops = spec.Nodes.GroupBy(n => n.Op).OrderBy(g => g.Key).ToDictionary(g => ArchOps.Name(g.Key), g => g.Count()),
            parameters = spec.ParameterCount,
            macs = spec.Macs,
            depth = spec.Depth,
            graph = new
            {
                nodes = graph.Nodes.Count,
                ops = Enumerable.Range(0, counts.Count).Where(i => counts[i] > 0).ToDictionary(i => graph.Vocabulary.Ops[i], i => counts[i]),
                edges = graph.Edges.Count,
                virtual_edges = graph.VirtualEdges.Count,
                max_virtual_edge_length = graph.MaxVirtualEdgeLength,
                forward_levels = graph.ForwardLevels.Count,
                backward_levels = graph.BackwardLevels.Count,
                tensors = graph.Parameters.Count,
                tensor_roles = graph.Parameters.GroupBy(p => p.Role).OrderBy(g => g.Key).ToDictionary(g => g.Key.ToString(), g => g.Count()),
                parameter_elements = graph.ParameterCount,
            },
            node_list = detail ? graph.Nodes.Select(n => new
            {
                index = n.Index, name = n.Name, op = graph.Vocabulary.Ops[n.OpIndex], shape = n.TensorShape, rows = n.ShapeIndices,
                forward_level = n.ForwardLevel, backward_level = n.BackwardLevel,
            }).ToArray() : null,
            tensor_list = detail ? graph.Parameters.Select(p => new
            {
                index = p.Index, name = p.Name, role = p.Role.ToString(), shape = p.Shape, node = p.NodeIndex,
            }).ToArray() : null,
        };
    }
}
