// JSON-aware mutations on raw UTF-8 bytes: replace, delete, duplicate or swap tokens, and insert nesting bombs.
// A rough tokenizer (strings, numbers, words, punctuation) keeps working on inputs that are no longer valid JSON.
using System.Text;

namespace GhnQat.Fuzz;

/// <summary>Token-level mutations of JSON text; every change keeps the rest of the document byte-identical.</summary>
internal static class JsonMutator
{
    // Strings that mean something to one of the parsers, plus encodings and lengths that stress any parser.
    private static readonly string[] InterestingStrings =
    [
        "\"\"", "\"__metadata__\"", "\"dtype\"", "\"shape\"", "\"data_offsets\"", "\"F32\"", "\"BF16\"", "\"BOOL\"", "\"Q4\"",
        "\"input\"", "\"conv\"", "\"linear\"", "\"gap\"", "\"add\"", "\"nodes\"", "\"inputs\"", "\"out\"", "\"k\"",
        "\"stride\"", "\"groups\"", "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"a\\\"b\"", "\"é\"",
    ];

    private static readonly string[] InterestingTokens = ["null", "true", "false", "{}", "[]", ",", ":", "{", "}", "[", "]", "\"", "\\"];

    public static byte[] Mutate(byte[] json, Mutator m)
    {
        var r = m.Random;
        var tokens = Tokenize(json);
        if (tokens.Count == 0) return m.MutateBytes(json);
        var (start, length) = tokens[r.Next(tokens.Count)];
        switch (r.Next(8))
        {
            case 0:
            {
                var numbers = tokens.Where(t => IsNumberStart(json[t.Start])).ToList();
                if (numbers.Count == 0) goto default;
                (start, length) = numbers[r.Next(numbers.Count)];
                return Replace(json, start, length, m.InterestingNumberText());
            }
            case 1:
            {
                var strings = tokens.Where(t => json[t.Start] == (byte)'"').ToList();
                if (strings.Count == 0) goto default;
                (start, length) = strings[r.Next(strings.Count)];
                string text = r.Next(32) == 0 ? "\"" + new string('x', r.Next(1, 100_000)) + "\"" : InterestingStrings[r.Next(InterestingStrings.Length)];
                return Replace(json, start, length, text);
            }
            case 2: return Replace(json, start, length, "");
            case 3:
            {
                // Duplicate a run of tokens right after itself: duplicate keys, repeated entries, doubled values.
                int first = r.Next(tokens.Count), last = Math.Min(tokens.Count - 1, first + r.Next(1, 12));
                int s = tokens[first].Start, e = tokens[last].Start + tokens[last].Length;
                return [.. json.AsSpan(0, e), .. json.AsSpan(s, e - s), .. json.AsSpan(e)];
            }
            case 4:
            {
                var (s2, l2) = tokens[r.Next(tokens.Count)];
                if (s2 < start) (start, length, s2, l2) = (s2, l2, start, length);
                if (start + length > s2) goto default;
                return [.. json.AsSpan(0, start), .. json.AsSpan(s2, l2), .. json.AsSpan(start + length, s2 - start - length),
                    .. json.AsSpan(start, length), .. json.AsSpan(s2 + l2)];
            }
            case 5:
            {
                // Mostly shallow; now and then deep enough to overflow a recursive parser's stack (costly, so rare).
                int depth = r.Next(32) == 0 ? r.Next(1000, 200_000) : r.Next(1, 100);
                char open = r.Next(2) == 0 ? '[' : '{';
                string bomb = open == '[' ? new string('[', depth) + new string(']', r.Next(2) == 0 ? depth : 0)
                    : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
                return Replace(json, start, 0, bomb);
            }
            case 6: return Replace(json, start, 0, InterestingTokens[r.Next(InterestingTokens.Length)]);
            default: return m.MutateBytes(json);
        }
    }

    private static bool IsNumberStart(byte b) => b == (byte)'-' || (b >= (byte)'0' && b <= (byte)'9');

    private static byte[] Replace(byte[] json, int start, int length, string text) =>
        [.. json.AsSpan(0, start), .. Encoding.UTF8.GetBytes(text), .. json.AsSpan(start + length)];

    private static List<(int Start, int Length)> Tokenize(byte[] json)
    {
        var tokens = new List<(int, int)>();
        int i = 0;
        while (i < json.Length)
        {
            byte c = json[i];
            int start = i;
            if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') { i++; continue; }
            if (c == (byte)'"')
            {
                for (i++; i < json.Length && json[i] != (byte)'"'; i++) if (json[i] == (byte)'\\') i++;
                i = Math.Min(i + 1, json.Length);
            }
            else if (IsNumberStart(c) || char.IsAsciiLetter((char)c))
            {
                while (i < json.Length && (char.IsAsciiLetterOrDigit((char)json[i]) || json[i] is (byte)'-' or (byte)'+' or (byte)'.')) i++;
            }
            else
            {
                i++;
            }
            tokens.Add((start, i - start));
        }
        return tokens;
    }
}
