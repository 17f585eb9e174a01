using GovernedCrm.Audit.Checkpoints;

namespace GovernedCrm.Audit.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private const string Root44 = "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=";

    [Fact]
    public void ToBody_Checkpoint_IsOriginSizeAndBase64RootLines()
    {
        var root = CheckpointTestSupport.Root(1);

        var body = new Checkpoint("governed-crm/audit/default", 1000, root).ToBody();

        body.Should().Be($"governed-crm/audit/default\n1000\n{Convert.ToBase64String(root)}\n");
    }

    [Fact]
    public void ToBody_EmptyTree_WritesSizeZero()
    {
        new Checkpoint("o", 0, CheckpointTestSupport.Root(0)).ToBody().Split('\n')[1].Should().Be("0");
    }

    [Fact]
    public void TryParse_SpecExample_Parses()
    {
        Checkpoint.TryParse($"example.com/behind-the-sofa\n20852163\n{Root44}\n", out var checkpoint).Should().BeTrue();

        checkpoint!.Origin.Should().Be("example.com/behind-the-sofa");
        checkpoint.Size.Should().Be(20852163);
        checkpoint.RootHash.Should().Equal(Convert.FromBase64String(Root44));
        checkpoint.Extensions.Should().BeEmpty();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(1L)]
    [InlineData(1_000_000L)]
    [InlineData(long.MaxValue)]
    public void TryParse_ToBody_RoundTripsEqual(long size)
    {
        var original = new Checkpoint("governed-crm/audit/tenant-a", size, CheckpointTestSupport.Root(7));

        Checkpoint.TryParse(original.ToBody(), out var parsed).Should().BeTrue();

        parsed.Should().Be(original);
        parsed!.ToBody().Should().Be(original.ToBody());
    }

    [Fact]
    public void TryParse_ExtensionLines_ArePreservedInBody()
    {
        var body = $"example.com/log\n5\n{Root44}\nextension one\n\u2014 not a signature\n";

        Checkpoint.TryParse(body, out var checkpoint).Should().BeTrue();

        checkpoint!.Extensions.Should().Equal("extension one", "\u2014 not a signature");
        checkpoint.ToBody().Should().Be(body);
        checkpoint.Should().NotBe(new Checkpoint("example.com/log", 5, Convert.FromBase64String(Root44)));
    }

    [Theory]
    [InlineData("", "empty body")]
    [InlineData("origin\n5\n", "root line missing")]
    [InlineData("origin\n", "size and root lines missing")]
    [InlineData("origin\n5\nROOT", "no final newline")]
    [InlineData("\n5\nROOT\n", "origin empty")]
    [InlineData("origin\n\nROOT\n", "size empty")]
    [InlineData("origin\nfive\nROOT\n", "size not numeric")]
    [InlineData("origin\n-1\nROOT\n", "size negative")]
    [InlineData("origin\n+1\nROOT\n", "size with a sign")]
    [InlineData("origin\n01\nROOT\n", "size with a leading zero")]
    [InlineData("origin\n00\nROOT\n", "zero with a leading zero")]
    [InlineData("origin\n 1\nROOT\n", "size with a space")]
    [InlineData("origin\n1.0\nROOT\n", "size not an integer")]
    [InlineData("origin\n0x10\nROOT\n", "size in hex")]
    [InlineData("origin\n9223372036854775808\nROOT\n", "size above long.MaxValue")]
    [InlineData("origin\n99999999999999999999\nROOT\n", "size far too large")]
    [InlineData("origin\n5\nnot base64 at all!!!!!!!!!!!!!!!!!!!!!!!!!!!\n", "root not base64")]
    [InlineData("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I\n", "root missing padding")]
    [InlineData("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2J=\n", "root non-canonical base64")]
    [InlineData("origin\n5\nCsUYapGGPo4dkMgIAUqom_Xajj7h2fB2MPA3j2jxq2I=\n", "root in URL-safe base64")]
    [InlineData("origin\n5\n CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n", "root with a space")]
    [InlineData("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxqw==\n", "root 31 bytes")]
    [InlineData("origin\n5\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2IA\n", "root 33 bytes")]
    [InlineData("origin\n5\n\n", "root empty")]
    [InlineData("origin\n5\nROOT\n\n", "empty extension line")]
    [InlineData("origin\n5\nROOT\n\nextension\n", "empty line before an extension")]
    [InlineData("origin\r\n5\r\nROOT\r\n", "CRLF line endings")]
    [InlineData("ori\tgin\n5\nROOT\n", "control character in origin")]
    public void TryParse_MalformedBody_ReturnsFalse(string body, string because)
    {
        body = body.Replace("ROOT", Root44, StringComparison.Ordinal);

        Checkpoint.TryParse(body, out var checkpoint).Should().BeFalse(because);
        checkpoint.Should().BeNull();
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Checkpoint.TryParse(null!, out var checkpoint).Should().BeFalse();
        checkpoint.Should().BeNull();
    }

    [Fact]
    public void Constructor_InvalidValues_Throw()
    {
        var root = CheckpointTestSupport.Root(1);

        FluentActions.Invoking(() => new Checkpoint("", 1, root)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Checkpoint("a\nb", 1, root)).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Checkpoint("o", -1, root)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new Checkpoint("o", 1, new byte[31])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => new Checkpoint("o", 1, null!)).Should().Throw<ArgumentNullException>();
        FluentActions.Invoking(() => new Checkpoint("o", 1, root) with { Size = -5 }).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => new Checkpoint("o", 1, root) { Extensions = [""] }).Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Equals_SameValuesInDifferentArrays_AreEqual()
    {
        var a = new Checkpoint("o", 3, CheckpointTestSupport.Root(3));
        var b = new Checkpoint("o", 3, CheckpointTestSupport.Root(3));

        a.Should().Be(b);
        a.GetHashCode().Should().Be(b.GetHashCode());
        a.Should().NotBe(b with { Size = 4 });
        a.Should().NotBe(b with { RootHash = CheckpointTestSupport.Root(4) });
        a.ToString().Should().Contain(Convert.ToBase64String(a.RootHash));
    }
}
