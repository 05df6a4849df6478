// `--json`: one JSON document on stdout (snake_case keys, numbers as numbers); while it is on, every log and progress
// line the command writes to Console.Out goes to stderr instead, so stdout parses as JSON.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GhnQat.Cli.Output;

/// <summary>
/// A command's stdout in JSON mode. <see cref="Begin"/> points Console.Out at stderr (when enabled);
/// <see cref="Print{T}"/> writes the result to the real stdout; <see cref="Dispose"/> puts stdout back.
/// </summary>
internal sealed class JsonStdout : IDisposable
{
    private readonly TextWriter? _stdout;

    private JsonStdout(TextWriter? stdout) => _stdout = stdout;

    /// <summary>The one serializer setting of every JSON document the CLI prints or writes as a report.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new FiniteDoubleConverter() },
    };

    /// <summary>Whether the command was asked for JSON.</summary>
    public bool Enabled => _stdout is not null;

    /// <summary>Starts JSON mode when <paramref name="enabled"/>: Console.Out becomes Console.Error until disposed.</summary>
    public static JsonStdout Begin(bool enabled)
    {
        if (!enabled) return new JsonStdout(null);
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        return new JsonStdout(stdout);
    }

    /// <summary><paramref name="document"/> serialized with <see cref="Options"/>.</summary>
    public static string Serialize<T>(T document) => JsonSerializer.Serialize(document, Options);

    /// <summary>Writes <paramref name="document"/> to the real stdout (JSON mode only).</summary>
    public void Print<T>(T document)
    {
        if (_stdout is null) throw new InvalidOperationException("Print is for --json runs; check Enabled first");
        _stdout.WriteLine(Serialize(document));
        _stdout.Flush();
    }

    /// <summary>Restores stdout.</summary>
    public void Dispose()
    {
        if (_stdout is not null) Console.SetOut(_stdout);
    }

    // JSON has no NaN or infinity (System.Text.Json throws on them): a mean over no nets is written as null.
    private sealed class FiniteDoubleConverter : JsonConverter<double>
    {
        public override bool HandleNull => false;

        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }
}
