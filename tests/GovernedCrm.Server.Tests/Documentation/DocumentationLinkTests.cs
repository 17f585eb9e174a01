using System.Text.RegularExpressions;
using GovernedCrm.Server.Tests.Packaging;

namespace GovernedCrm.Server.Tests.Documentation;

/// <summary>
/// The README and the docs pages link to each other and to files of the repository: every relative link must
/// reach a file, and every anchor a heading of that file (GitHub's heading slugs), so a moved section or a renamed
/// file breaks this test, not a reader's click.
/// </summary>
public sealed partial class DocumentationLinkTests
{
    /// <summary>The README is the front door (what it is, the two commands, a client, a tour, links), not the reference.</summary>
    private const int ReadmeMaxBytes = 15 * 1024;

    public static TheoryData<string> Pages()
    {
        var pages = new TheoryData<string>();
        foreach (var page in MarkdownPages())
        {
            pages.Add(Path.GetRelativePath(RepositoryRoot.Path, page).Replace('\\', '/'));
        }

        return pages;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public void EveryRelativeLink_ReachesAFileAndEveryAnchorAHeading(string page)
    {
        var path = RepositoryRoot.File(page);
        var broken = new List<string>();
        foreach (var target in RelativeLinks(File.ReadAllText(path)))
        {
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = hash < 0 ? target : target[..hash];
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var resolved = file.Length == 0 ? path : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, Uri.UnescapeDataString(file)));
            if (!File.Exists(resolved) && !Directory.Exists(resolved))
            {
                broken.Add($"{target}: no such file");
            }
            else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !HeadingSlugs(resolved).Contains(anchor))
            {
                broken.Add($"{target}: no heading with that anchor");
            }
        }

        broken.Should().BeEmpty($"every relative link of {page} must resolve");
    }

    [Fact]
    public void TheChecker_FindsABrokenFileAndABrokenAnchor()
    {
        using var folder = new TempFolder();
        var page = Path.Combine(folder.Path, "page.md");
        File.WriteAllText(page, "# Title\n\n## Real section\n\n[ok](#real-section) [gone](missing.md) [bad](#no-such) [web](https://example.com)\n\n```\n[in code](nowhere.md)\n```\n");

        RelativeLinks(File.ReadAllText(page)).Should().Equal("#real-section", "missing.md", "#no-such");
        HeadingSlugs(page).Should().BeEquivalentTo(["title", "real-section"]);
    }

    [Fact]
    public void TheReadme_IsAFrontDoorNotTheReference()
    {
        new FileInfo(RepositoryRoot.File("README.md")).Length.Should().BeLessThanOrEqualTo(ReadmeMaxBytes,
            "reference material belongs in docs/*.md, one file a topic");
    }

    [Fact]
    public void EveryDocsPage_IsLinkedFromTheReadme()
    {
        var readmeLinks = RelativeLinks(File.ReadAllText(RepositoryRoot.File("README.md")))
            .Select(link => link.Split('#')[0]).ToHashSet(StringComparer.Ordinal);
        var pages = Directory.EnumerateFiles(RepositoryRoot.File("docs"), "*.md")
            .Select(page => "docs/" + Path.GetFileName(page));

        pages.Where(page => !readmeLinks.Contains(page)).Should().BeEmpty("the README's documentation table links every page");
    }

    private static IEnumerable<string> MarkdownPages()
    {
        yield return RepositoryRoot.File("README.md");
        foreach (var page in Directory.EnumerateFiles(RepositoryRoot.File("docs"), "*.md").Order(StringComparer.Ordinal))
        {
            yield return page;
        }

        foreach (var page in Directory.EnumerateFiles(RepositoryRoot.File("samples"), "README.md", SearchOption.AllDirectories)
                     .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                                 && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            yield return page;
        }
    }

    /// <summary>The targets of inline links outside code blocks and code spans that are not absolute URLs.</summary>
    private static List<string> RelativeLinks(string markdown)
    {
        var prose = CodeSpan().Replace(FencedBlock().Replace(markdown, string.Empty), string.Empty);
        return InlineLink().Matches(prose).Select(m => m.Groups[1].Value)
            .Where(target => !Scheme().IsMatch(target))
            .ToList();
    }

    /// <summary>GitHub's anchors: lower case, punctuation other than '-' and '_' removed, spaces turned into '-'.</summary>
    private static HashSet<string> HeadingSlugs(string page)
    {
        var text = FencedBlock().Replace(File.ReadAllText(page), string.Empty);
        return Heading().Matches(text)
            .Select(m => SlugDropped().Replace(m.Groups[1].Value.Trim().ToLowerInvariant(), string.Empty).Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex FencedBlock();

    [GeneratedRegex(@"`[^`\n]*`")]
    private static partial Regex CodeSpan();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6} (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex SlugDropped();
}
