// The Markdown docs hold together: every relative link points at a file or folder that exists, and every page in
// docs/ can be reached from the README by following links.
using System.Text.RegularExpressions;

namespace GhnQat.Trainer.Tests.Docs;

public sealed partial class DocsLinkTests
{
    [Test]
    public void Markdown_RelativeLinks_TargetsExist()
    {
        var broken = MarkdownFiles()
            .SelectMany(file => RelativeLinks(file).Where(t => !File.Exists(t.Target) && !Directory.Exists(t.Target))
                .Select(t => $"{Path.GetRelativePath(RepoRoot.Path, file)} → {t.Text}"))
            .ToList();

        Assert.That(broken, Is.Empty, "links to missing files");
    }

    [Test]
    public void DocsPages_ReachableFromReadme()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var todo = new Stack<string>([Path.Combine(RepoRoot.Path, "README.md")]);
        while (todo.Count > 0)
        {
            string file = todo.Pop();
            if (!file.EndsWith(".md", StringComparison.Ordinal) || !File.Exists(file) || !seen.Add(file)) continue;
            foreach (var link in RelativeLinks(file)) todo.Push(link.Target);
        }

        var pages = Directory.GetFiles(Path.Combine(RepoRoot.Path, "docs"), "*.md");
        Assert.That(pages.Where(p => !seen.Contains(p)).Select(Path.GetFileName), Is.Empty, "docs/ pages no link leads to");
    }

    // README, docs/ (all levels), model cards and sample READMEs.
    private static IEnumerable<string> MarkdownFiles()
    {
        string root = RepoRoot.Path;
        yield return Path.Combine(root, "README.md");
        foreach (string f in Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories)) yield return f;
        foreach (string f in Directory.EnumerateFiles(Path.Combine(root, "models"), "*.md")) yield return f;
        foreach (string f in Directory.EnumerateFiles(Path.Combine(root, "samples"), "README.md", SearchOption.AllDirectories)) yield return f;
    }

    // `[text](target)` outside code, target neither a URL nor a pure #anchor; the #fragment is dropped.
    private static IEnumerable<(string Text, string Target)> RelativeLinks(string file)
    {
        string text = InlineCode().Replace(FencedCode().Replace(File.ReadAllText(file), ""), "");
        string folder = Path.GetDirectoryName(file)!;
        foreach (Match m in Link().Matches(text))
        {
            string target = m.Groups[1].Value;
            if (target.StartsWith('#') || Scheme().IsMatch(target)) continue;
            string path = target.Split('#')[0];
            yield return (target, Path.GetFullPath(Path.Combine(folder, Uri.UnescapeDataString(path))));
        }
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();
}
