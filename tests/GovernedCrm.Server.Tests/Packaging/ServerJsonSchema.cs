using System.Text.Json.Nodes;
using NJsonSchema;

namespace GovernedCrm.Server.Tests.Packaging;

/// <summary>The official server.json schema 2025-12-11 (the newest published), kept in this folder (see README.md), loaded for NJsonSchema.</summary>
internal static class ServerJsonSchema
{
    public const string Url = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

    // The keywords NJsonSchema enforces or that only annotate ("const" is rewritten first). Anything else in a
    // newer schema (if/then/else, oneOf with discriminators, ...) must be checked before it is trusted here.
    private static readonly HashSet<string> SupportedKeywords =
    [
        "$comment", "$id", "$ref", "$schema", "additionalProperties", "allOf", "anyOf", "default", "definitions",
        "description", "enum", "format", "items", "maxLength", "minLength", "not", "pattern", "properties",
        "required", "title", "type",
    ];

    // Keywords whose value is a map from names to subschemas, rather than a subschema.
    private static readonly HashSet<string> SchemaMaps = ["definitions", "properties"];

    // Keywords whose value is a subschema or an array of subschemas.
    private static readonly HashSet<string> Subschemas = ["additionalProperties", "allOf", "anyOf", "items", "not"];

    private static readonly Lazy<Task<JsonSchema>> Schema = new(LoadAsync);

    public static string FilePath => RepositoryRoot.File("tests", "GovernedCrm.Server.Tests", "Packaging", "server.schema.2025-12-11.json");

    /// <summary>Validates a server.json document; returns the errors, one a line, or an empty list.</summary>
    public static async Task<IReadOnlyList<string>> ValidateAsync(string json)
    {
        var schema = await Schema.Value;
        return [.. schema.Validate(json).Select(e => e.ToString())];
    }

    private static async Task<JsonSchema> LoadAsync()
    {
        var root = JsonNode.Parse(await File.ReadAllTextAsync(FilePath))!.AsObject();
        Adapt(root, "#");
        return await JsonSchema.FromJsonAsync(root.ToJsonString());
    }

    private static void Adapt(JsonObject schema, string path)
    {
        foreach (var (keyword, value) in schema.ToList())
        {
            if (keyword == "const")
            {
                // draft-06 "const": x means exactly "enum": [x]; NJsonSchema knows only the latter.
                if (schema.ContainsKey("enum"))
                {
                    throw new InvalidOperationException($"{path} has both const and enum");
                }

                schema.Remove("const");
                schema["enum"] = new JsonArray(value?.DeepClone());
                continue;
            }

            if (!SupportedKeywords.Contains(keyword))
            {
                throw new InvalidOperationException($"{path}/{keyword}: NJsonSchema would not enforce this keyword, so the schema cannot be trusted here");
            }

            if (SchemaMaps.Contains(keyword))
            {
                foreach (var (name, subschema) in value!.AsObject())
                {
                    Adapt(subschema!.AsObject(), $"{path}/{keyword}/{name}");
                }
            }
            else if (Subschemas.Contains(keyword))
            {
                AdaptSubschemas(value, $"{path}/{keyword}");
            }
        }
    }

    private static void AdaptSubschemas(JsonNode? value, string path)
    {
        switch (value)
        {
            case JsonObject subschema:
                Adapt(subschema, path);
                break;
            case JsonArray subschemas:
                for (var i = 0; i < subschemas.Count; i++)
                {
                    Adapt(subschemas[i]!.AsObject(), $"{path}/{i}");
                }

                break;
            default:
                // true / false (e.g. additionalProperties: true) are complete schemas already.
                break;
        }
    }
}
