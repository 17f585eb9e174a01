using GovernedCrm.Governance.Approvals;

namespace GovernedCrm.Governance.Tests.Approvals;

public sealed class ApprovalIdsTests
{
    [Fact]
    public void New_IsAprAnd24LowercaseHex_AndUnique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ApprovalIds.New()).ToList();

        ids.Should().AllSatisfy(id => id.Should().MatchRegex("^apr_[0-9a-f]{24}$"));
        ids.Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void NewBulk_IsBulkAnd24LowercaseHex()
    {
        ApprovalIds.NewBulk().Should().MatchRegex("^bulk_[0-9a-f]{24}$");
        ApprovalIds.NewBulk().Should().NotBe(ApprovalIds.NewBulk());
    }
}
