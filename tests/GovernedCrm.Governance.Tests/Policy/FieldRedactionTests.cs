using System.Text.Json.Nodes;
using GovernedCrm.Governance.Policy;

namespace GovernedCrm.Governance.Tests.Policy;

public sealed class FieldRedactionTests
{
    [Fact]
    public void Redact_ReplacesTheNamedValuesAtAnyDepth_AndLeavesTheRest()
    {
        var result = JsonNode.Parse("""
            {"objectType":"contact","properties":{"email":"a@x.example","phone":"1","firstname":"Ada"},
             "records":[{"id":"1","properties":{"email":"b@x.example"}}],"before":{"email":"c@x"},"after":{"email":"d@x"}}
            """);

        var redacted = FieldRedaction.Redact(result, new HashSet<string>(StringComparer.Ordinal) { "email", "phone" })!.ToJsonString();

        redacted.Should().NotContain("@x").And.NotContain("\"1\",\"firstname\"");
        redacted.Should().Contain("\"firstname\":\"Ada\"").And.Contain("\"objectType\":\"contact\"").And.Contain("\"id\":\"1\"");
        JsonNode.Parse(redacted)!["properties"]!["phone"]!.GetValue<string>().Should().Be(FieldRedaction.Redacted);
    }

    [Fact]
    public void Redact_NoFields_ReturnsAnEqualCopy()
    {
        var node = JsonNode.Parse("""{"a":{"b":[1,2]}}""");

        var copy = FieldRedaction.Redact(node, new HashSet<string>());

        copy!.ToJsonString().Should().Be(node!.ToJsonString());
        copy.Should().NotBeSameAs(node);
    }
}
