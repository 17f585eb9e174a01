using System.Text.Json;
using GovernedCrm.Governance.Steps.Validation;

namespace GovernedCrm.Governance.Tests;

public sealed class ArgumentSchemaValidatorTests
{
    private const string Schema = """
        {
          "type": "object",
          "properties": {
            "objectType": { "type": "string", "enum": ["contact", "company", "deal"] },
            "recordId": { "type": "string" },
            "limit": { "type": "integer", "minimum": 1, "maximum": 100 },
            "confidence": { "type": ["number", "null"], "minimum": 0, "maximum": 1 },
            "properties": { "type": "object", "additionalProperties": {} },
            "names": { "type": ["array", "null"], "items": { "type": "string" } }
          },
          "required": ["objectType", "recordId"]
        }
        """;

    [Fact]
    public void Validate_ValidArguments_ReturnsNull()
    {
        Validate("""{"objectType":"deal","recordId":"3001","limit":5,"confidence":0.5,"properties":{"amount":1},"names":["a"]}""")
            .Should().BeNull();
    }

    [Fact]
    public void Validate_NullForNullable_ReturnsNull()
    {
        Validate("""{"objectType":"deal","recordId":"3001","confidence":null,"names":null}""").Should().BeNull();
    }

    [Theory]
    [InlineData("""{"objectType":"widget","recordId":"1"}""", "*'objectType'*'widget'*not one of: contact, company, deal*")]
    [InlineData("""{"objectType":"deal"}""", "Missing required argument 'recordId'.")]
    [InlineData("""{"objectType":"deal","recordId":3001}""", "*'recordId' must be a string, not the number 3001*")]
    [InlineData("""{"objectType":"deal","recordId":"1","limit":0}""", "*'limit'*below the minimum 1*")]
    [InlineData("""{"objectType":"deal","recordId":"1","limit":101}""", "*'limit'*above the maximum 100*")]
    [InlineData("""{"objectType":"deal","recordId":"1","limit":2.5}""", "*'limit' must be an integer*")]
    [InlineData("""{"objectType":"deal","recordId":"1","confidence":1.5}""", "*'confidence'*above the maximum 1*")]
    [InlineData("""{"objectType":"deal","recordId":"1","properties":"amount=1"}""", "*'properties' must be an object*")]
    [InlineData("""{"objectType":"deal","recordId":"1","names":[1]}""", "*'names[0]' must be a string*")]
    [InlineData("""{"objectType":"deal","recordId":"1","extra":true}""", "Unknown argument 'extra'. Valid arguments: objectType, recordId, limit, confidence, properties, names.")]
    public void Validate_BadArguments_NamesTheProblem(string arguments, string expected)
    {
        Validate(arguments)!.Message.Should().Match(expected);
    }

    [Fact]
    public void Validate_StringOver64KiB_Refused()
    {
        var big = new string('x', ArgumentSchemaValidator.MaxStringBytes + 1);

        Validate($$"""{"objectType":"deal","recordId":"{{big}}"}""")!.Message.Should().Contain("too long").And.Contain("64 KiB");
    }

    [Fact]
    public void Validate_StringOver64KiBNestedInFreeFormObject_Refused()
    {
        var big = new string('x', ArgumentSchemaValidator.MaxStringBytes + 1);

        Validate($$$"""{"objectType":"deal","recordId":"1","properties":{"dealname":"{{{big}}}"}}""")!.Message
            .Should().Contain("'properties.dealname' is too long");
    }

    [Fact]
    public void Validate_StringOf64KiBExactly_Accepted()
    {
        var max = new string('x', ArgumentSchemaValidator.MaxStringBytes);

        Validate($$"""{"objectType":"deal","recordId":"{{max}}"}""").Should().BeNull();
    }

    [Fact]
    public void Validate_MessageEchoesAtMost40CharactersOfInput()
    {
        var error = Validate($$"""{"objectType":"{{new string('z', 5000)}}","recordId":"1"}""");

        error!.Message.Length.Should().BeLessThan(200);
    }

    [Fact]
    public void Validate_DeepNesting_Refused()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 40)) + "1" + new string('}', 40);

        Validate("{\"objectType\":\"deal\",\"recordId\":\"1\",\"properties\":" + nested + "}")!.Message.Should().Contain("nested too deeply");
    }

    private static ArgumentValidationError? Validate(string arguments) =>
        ArgumentSchemaValidator.Validate(
            JsonDocument.Parse(Schema).RootElement,
            JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(arguments)!);
}
