using System.Text;
using System.Text.Json;
using GovernedCrm.Governance.Steps.Validation;

namespace GovernedCrm.Governance.Tests.Validation;

public sealed class MalformedJsonTests
{
    [Theory]
    [InlineData("plain", true)]
    [InlineData("caf\\u00e9", true)]
    [InlineData("\\ud83d\\ude00 pair", true)]
    [InlineData("tab\\tand \\\" quote", true)]
    [InlineData("\\ud800", false)]
    [InlineData("\\udc00", false)]
    [InlineData("a\\ud800b", false)]
    [InlineData("\\ud800\\u0041", false)]
    [InlineData("\\ud800\\n", false)]
    [InlineData("\\ude00\\ud83d", false)]
    [InlineData("\\ud83d\\ud83d\\ude00", false)]
    public void IsValid_EscapedText(string token, bool valid) =>
        JsonText.IsValid(Encoding.UTF8.GetBytes(token), escaped: token.Contains('\\')).Should().Be(valid);

    [Fact]
    public void IsValid_RawBytes_ValidUtf8Only()
    {
        JsonText.IsValid("😀 ü"u8, escaped: false).Should().BeTrue();
        JsonText.IsValid([0x61, 0xff, 0x62], escaped: false).Should().BeFalse();
        JsonText.IsValid([0x5c, 0x6e, 0xc3], escaped: true).Should().BeFalse("a cut multi-byte sequence after an escape");
    }

    [Fact]
    public void IsValid_Utf16Strings()
    {
        JsonText.IsValid("😀").Should().BeTrue();
        JsonText.IsValid("a\ud800").Should().BeFalse();
        JsonText.IsValid("\udc00a").Should().BeFalse();
    }

    [Fact]
    public void StringOrNull_ReadsValidStringsAndNeverThrows()
    {
        JsonText.StringOrNull(Element("\"ok\"")).Should().Be("ok");
        JsonText.StringOrNull(Element("\"\\ud800\"")).Should().BeNull();
        JsonText.StringOrNull(Element("12")).Should().BeNull();
    }

    [Theory]
    [InlineData("""{"p":{"a":1,"a":2}}""", MalformedJson.DuplicateKeyCode, "'p' names 'a' more than once")]
    [InlineData("""{"p":{"a":1,"\u0061":2}}""", MalformedJson.DuplicateKeyCode, "names 'a'")]
    [InlineData("""{"p":[{"x":{"a":1,"a":1}}]}""", MalformedJson.DuplicateKeyCode, "'p[].x'")]
    [InlineData("""{"p":{"n":"\ud800"}}""", MalformedJson.InvalidTextCode, "'p.n'")]
    [InlineData("""{"p":{"\udfff":1}}""", MalformedJson.InvalidTextCode, "property name")]
    [InlineData("""{"p":["ok","\ud800"]}""", MalformedJson.InvalidTextCode, "'p[]'")]
    public void Find_ReportsTheFirstProblemWithItsCode(string arguments, string code, string message)
    {
        var refusal = MalformedJson.Find(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!);

        refusal!.Code.Should().Be(code);
        refusal.Message.Should().Contain(message);
    }

    [Fact]
    public void Find_NestingLimit()
    {
        MalformedJson.Find(Arguments(Nested(MalformedJson.MaxDepth))).Should().BeNull();
        MalformedJson.Find(Arguments(Nested(MalformedJson.MaxDepth + 1)))!.Code.Should().Be(MalformedJson.TooDeepCode);
    }

    [Fact]
    public void Find_WellFormedArguments_Null() =>
        MalformedJson.Find(Arguments("""{"objectType":"deal","properties":{"amount":5,"name":"Zoë 😀"},"tags":["a","b"]}""")).Should().BeNull();

    [Fact]
    public void FindInArgumentsObject_SeesRepeatedArgumentNames()
    {
        var refusal = MalformedJson.FindInArgumentsObject("""{"amount":1,"reason":"r","amount":900000}"""u8);

        refusal!.Code.Should().Be(MalformedJson.DuplicateKeyCode);
        refusal.Message.Should().StartWith("The arguments name 'amount' more than once");
    }

    [Fact]
    public void Messages_NeverCarryTheInvalidText()
    {
        var refusal = MalformedJson.Find(Arguments("""{"p":{"x":"\ud800"}}"""))!;

        JsonText.IsValid(refusal.Message).Should().BeTrue();
    }

    private static Dictionary<string, JsonElement> Arguments(string json) => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(json)!;

    private static string Nested(int levels) => $$"""{"p":{{string.Concat(Enumerable.Repeat("[", levels))}}1{{string.Concat(Enumerable.Repeat("]", levels))}}}""";

    private static JsonElement Element(string json) => JsonDocument.Parse(json).RootElement.Clone();
}
