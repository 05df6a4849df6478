// Reads and writes the ArchSpec JSON format (schema "ghnqat.archspec", version 1) strictly and canonically.
using System.Globalization;
using System.Text;
using System.Text.Json;
using GhnQat.Runtime.Errors;

namespace GhnQat.Runtime.Architectures;

/// <summary>
/// Strict reader (unknown keys, wrong types and bad JSON are errors with line/position or node id) and canonical
/// writer (fixed key order, every attribute written explicitly, one node per line, '\n' endings).
/// </summary>
internal static class ArchSpecJson
{
    /// <summary>Largest ArchSpec file accepted, bytes (a 100 000-node spec is about 12 MB).</summary>
    public const long MaxFileBytes = 64L << 20;

    // Throws on invalid UTF-8 bytes and on lone surrogates instead of replacing them with U+FFFD silently.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly string[] TopKeys = ["schema", "version", "name", "input", "classes", "nodes"];
    private static readonly string[] InputKeys = ["channels", "height", "width"];

    public static ArchSpec ReadFile(string path)
    {
        if (Directory.Exists(path)) throw Fail(path, "is a directory; expected an ArchSpec JSON file");
        var info = new FileInfo(path);
        if (!info.Exists) throw Fail(path, "file not found");
        if (info.Length > MaxFileBytes)
            throw Fail(path, $"{info.Length} bytes; an ArchSpec file may have at most {MaxFileBytes}");
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            StrictUtf8.GetCharCount(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Fail(path, $"not valid UTF-8 at byte {e.Index}; ArchSpec files are UTF-8 JSON");
        }
        // A UTF-8 byte order mark is tolerated (some editors add one); the writer never emits it.
        int start = bytes.AsSpan().StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        return ReadUtf8(bytes.AsMemory(start), path);
    }

    public static ArchSpec Read(string json, string source)
    {
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(json);
        }
        catch (EncoderFallbackException e)
        {
            throw Fail(source, $"text is not valid Unicode (lone surrogate at character {e.Index})");
        }
        return ReadUtf8(utf8, source);
    }

    private static ArchSpec ReadUtf8(ReadOnlyMemory<byte> json, string source)
    {
        try
        {
            return ReadDocument(json, source);
        }
        catch (InvalidOperationException e)
        {
            // GetString and property names throw this for escapes that decode to lone surrogates (\ud800); every
            // other call that could throw it (GetString on a non-string, GetArrayLength on a non-array) is guarded.
            throw Fail(source, $"a string is not valid Unicode ({e.Message})");
        }
    }

    private static ArchSpec ReadDocument(ReadOnlyMemory<byte> json, string source)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            string msg = e.Message;
            int cut = msg.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (cut > 0) msg = msg[..cut];
            // Clipped: for an invalid literal the message quotes the input up to its end.
            throw Fail(source, $"bad JSON at line {(e.LineNumber ?? 0) + 1}, position {(e.BytePositionInLine ?? 0) + 1}: {Shown(msg, 200)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Fail(source, "expected a JSON object at the top level");
            CheckKeys(root, TopKeys, source, "the top level");

            var schema = Required(root, "schema", source, "the top level");
            if (schema.ValueKind != JsonValueKind.String || !string.Equals(schema.GetString(), ArchSpec.SchemaName, StringComparison.Ordinal))
                throw Fail(source, $"'schema' is {Shown(schema.GetRawText())}; expected \"{ArchSpec.SchemaName}\"");
            int version = Int(Required(root, "version", source, "the top level"), "version", source, "the top level");
            if (version != ArchSpec.SchemaVersion)
                throw Fail(source, $"unsupported ArchSpec version {version}; this build reads version {ArchSpec.SchemaVersion}");

            var nameElement = Required(root, "name", source, "the top level");
            if (nameElement.ValueKind != JsonValueKind.String) throw Fail(source, "'name' must be a string");
            var inputElement = Required(root, "input", source, "the top level");
            if (inputElement.ValueKind != JsonValueKind.Object) throw Fail(source, "'input' must be an object {channels, height, width}");
            CheckKeys(inputElement, InputKeys, source, "'input'");
            var input = new ActivationShape(
                Int(Required(inputElement, "channels", source, "'input'"), "channels", source, "'input'"),
                Int(Required(inputElement, "height", source, "'input'"), "height", source, "'input'"),
                Int(Required(inputElement, "width", source, "'input'"), "width", source, "'input'"));
            int classes = Int(Required(root, "classes", source, "the top level"), "classes", source, "the top level");

            var nodesElement = Required(root, "nodes", source, "the top level");
            if (nodesElement.ValueKind != JsonValueKind.Array) throw Fail(source, "'nodes' must be an array");
            int count = nodesElement.GetArrayLength();
            if (count > ArchLimits.MaxNodes)
                throw Fail(source, $"spec has {count} nodes; at most {ArchLimits.MaxNodes} are allowed");
            var nodes = new List<ArchNode>(count);
            int i = 0;
            foreach (var element in nodesElement.EnumerateArray()) nodes.Add(ReadNode(element, i++, source));

            try
            {
                return new ArchSpec(nameElement.GetString()!, input, classes, nodes);
            }
            catch (GhnQatException e) when (e.Code == GhnQatErrorCode.InvalidArchSpec)
            {
                // The validator's exception stays inside, so --verbose shows the rule that fired.
                throw new GhnQatException(GhnQatErrorCode.InvalidArchSpec, $"{source}: {e.Message}", e);
            }
        }
    }

    private static ArchNode ReadNode(JsonElement e, int i, string source)
    {
        string where = $"nodes[{i}]";
        if (e.ValueKind != JsonValueKind.Object) throw Fail(source, $"{where}: expected an object");
        var idElement = Required(e, "id", source, where);
        if (idElement.ValueKind != JsonValueKind.String) throw Fail(source, $"{where}: 'id' must be a string");
        string id = idElement.GetString()!;
        where = $"node '{Shown(id)}'";
        var opElement = Required(e, "op", source, where);
        if (opElement.ValueKind != JsonValueKind.String || !ArchOps.TryParse(opElement.GetString()!, out var op))
            throw Fail(source, $"{where}: unknown op {Shown(opElement.GetRawText())}; expected one of {string.Join(", ", ArchOps.Names)}");
        var attributes = ArchOps.Attributes(op);
        CheckKeys(e, ["id", "op", "inputs", .. attributes], source, $"{where} ({ArchOps.Name(op)})");

        var inputsElement = Required(e, "inputs", source, where);
        if (inputsElement.ValueKind != JsonValueKind.Array) throw Fail(source, $"{where}: 'inputs' must be an array of node ids");
        var inputs = new List<string>();
        foreach (var s in inputsElement.EnumerateArray())
        {
            if (s.ValueKind != JsonValueKind.String) throw Fail(source, $"{where}: 'inputs' must hold strings, got {Shown(s.GetRawText())}");
            inputs.Add(s.GetString()!);
        }

        int Opt(string key, int fallback) => e.TryGetProperty(key, out var v) ? Int(v, key, source, where) : fallback;
        bool OptBool(string key, bool fallback)
        {
            if (!e.TryGetProperty(key, out var v)) return fallback;
            return v.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Fail(source, $"{where}: '{key}' must be true or false, got {Shown(v.GetRawText())}"),
            };
        }
        int Req(string key) => Int(Required(e, key, source, where), key, source, where);

        return op switch
        {
            ArchOp.Conv => ArchNode.Create(id, op, inputs, Req("out"), Req("k"), Opt("stride", 1), Opt("groups", 1),
                Opt("dilation", 1), OptBool("bias", false)),
            // Pool stride defaults to k, as in PyTorch.
            ArchOp.MaxPool or ArchOp.AvgPool => ArchNode.Create(id, op, inputs, 0, Req("k"), Opt("stride", Req("k")), 0, 0, false),
            ArchOp.Linear => ArchNode.Create(id, op, inputs, Req("out"), 0, 0, 0, 0, OptBool("bias", true)),
            _ => ArchNode.Create(id, op, inputs, 0, 0, 0, 0, 0, false),
        };
    }

    public static string Write(ArchSpec spec)
    {
        var sb = new StringBuilder();
        sb.Append("{\n");
        sb.Append("  \"schema\": \"").Append(ArchSpec.SchemaName).Append("\",\n");
        sb.Append("  \"version\": ").Append(ArchSpec.SchemaVersion.ToString(CultureInfo.InvariantCulture)).Append(",\n");
        sb.Append("  \"name\": ").Append(JsonSerializer.Serialize(spec.Name)).Append(",\n");
        sb.Append(ArchSpecValidator.Inv(
            $"  \"input\": {{\"channels\": {spec.Input.Channels}, \"height\": {spec.Input.Height}, \"width\": {spec.Input.Width}}},\n"));
        sb.Append(ArchSpecValidator.Inv($"  \"classes\": {spec.Classes},\n"));
        sb.Append("  \"nodes\": [\n");
        for (int p = 0; p < spec.Nodes.Count; p++)
        {
            var node = spec.Nodes[p];
            // Ids are restricted to [A-Za-z0-9_-], so they need no escaping.
            sb.Append("    {\"id\": \"").Append(node.Id).Append("\", \"op\": \"").Append(ArchOps.Name(node.Op)).Append("\", \"inputs\": [");
            for (int j = 0; j < node.Inputs.Count; j++)
                sb.Append(j == 0 ? "\"" : ", \"").Append(node.Inputs[j]).Append('"');
            sb.Append(']');
            foreach (string a in ArchOps.Attributes(node.Op)) sb.Append(", \"").Append(a).Append("\": ").Append(AttributeText(node, a));
            sb.Append(p == spec.Nodes.Count - 1 ? "}\n" : "},\n");
        }
        sb.Append("  ]\n}\n");
        return sb.ToString();
    }

    /// <summary>The JSON text of one attribute value, e.g. "3" or "false".</summary>
    public static string AttributeText(ArchNode node, string attribute) => attribute switch
    {
        "out" => node.Out.ToString(CultureInfo.InvariantCulture),
        "k" => node.Kernel.ToString(CultureInfo.InvariantCulture),
        "stride" => node.Stride.ToString(CultureInfo.InvariantCulture),
        "groups" => node.Groups.ToString(CultureInfo.InvariantCulture),
        "dilation" => node.Dilation.ToString(CultureInfo.InvariantCulture),
        "bias" => node.Bias ? "true" : "false",
        _ => throw new ArgumentOutOfRangeException(nameof(attribute), attribute, "not an ArchSpec attribute"),
    };

    private static void CheckKeys(JsonElement obj, IReadOnlyCollection<string> allowed, string source, string where)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (!allowed.Contains(p.Name))
                throw Fail(source, $"{where}: unknown key '{Shown(p.Name)}'; allowed: {string.Join(", ", allowed)}");
            if (!seen.Add(p.Name)) throw Fail(source, $"{where}: key '{Shown(p.Name)}' appears twice");
        }
    }

    private static JsonElement Required(JsonElement obj, string key, string source, string where) =>
        obj.TryGetProperty(key, out var v) ? v : throw Fail(source, $"{where}: missing required key '{key}'");

    private static int Int(JsonElement v, string key, string source, string where) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int x)
            ? x
            : throw Fail(source, $"{where}: '{key}' must be a 32-bit integer, got {Shown(v.GetRawText())}");

    private static string Shown(string text, int max = 64) => ArchSpecValidator.Shown(text, max);

    private static GhnQatException Fail(string source, string message) =>
        new(GhnQatErrorCode.InvalidArchSpec, $"{source}: {message}");
}
