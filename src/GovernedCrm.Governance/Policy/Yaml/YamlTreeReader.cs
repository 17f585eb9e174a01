using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace GovernedCrm.Governance.Policy.Yaml;

/// <summary>
/// Reads YAML text into <see cref="YamlNode"/>s from YamlDotNet's parser events, so every node keeps its line
/// and column. Rejects what a policy file has no use for and what could be abused: several documents,
/// aliases, duplicate keys, non-scalar keys, deep nesting.
/// </summary>
internal sealed class YamlTreeReader
{
    private const int MaxDepth = 64;

    private readonly Parser _parser;
    private readonly PolicyErrorList _errors;
    private Mark _lastGood = Mark.Empty;

    private YamlTreeReader(string text, PolicyErrorList errors)
    {
        _parser = new Parser(new StringReader(text));
        _errors = errors;
    }

    /// <summary>Reads the single document of <paramref name="text"/>.</summary>
    /// <param name="text">The YAML.</param>
    /// <param name="errors">Where problems are reported.</param>
    /// <returns>The document's root, or null when the YAML could not be read (errors say why).</returns>
    public static YamlNode? Read(string text, PolicyErrorList errors)
    {
        var reader = new YamlTreeReader(text, errors);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException ex)
        {
            errors.Add(Line(ex.Start), Column(ex.Start), "YAML syntax error: " + Sentence(ex.Message));
            return null;
        }
#pragma warning disable CA1031 // YamlDotNet's scanner throws plain exceptions on some malformed input (an unclosed '[' at the end); report them as syntax errors.
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
#pragma warning restore CA1031
        {
            errors.Add(Math.Max(Line(reader._lastGood), 1), Math.Max(Column(reader._lastGood), 1),
                "YAML syntax error after this point; check for an unclosed '[', '{' or quote");
            return null;
        }
    }

    private static int Line(Mark mark) => (int)Math.Min(mark.Line, int.MaxValue);

    private static int Column(Mark mark) => (int)Math.Min(mark.Column, int.MaxValue);

    private static string Sentence(string message) => message.TrimEnd().TrimEnd('.');

    private YamlNode? ReadStream()
    {
        Expect<StreamStart>();
        if (Next() is StreamEnd)
        {
            _errors.Add(1, 1, "the policy file is empty; it needs at least version, tenants, roles and rules");
            return null;
        }

        var root = ReadDocument();
        if (Next() is DocumentStart extra)
        {
            _errors.Add(Line(extra.Start), Column(extra.Start), "a policy file holds one YAML document; remove the '---' and everything after it, or merge the documents");
        }

        return root;
    }

    private YamlNode ReadDocument()
    {
        if (_parser.Current is not DocumentStart)
        {
            throw Unexpected(_parser.Current!, "the start of a document");
        }

        var root = ReadNode(Next(), 0);
        Expect<DocumentEnd>();
        return root;
    }

    private YamlNode ReadNode(ParsingEvent current, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new YamlException(current.Start, current.End, $"the file nests more than {MaxDepth.ToString(CultureInfo.InvariantCulture)} levels deep");
        }

        switch (current)
        {
            case AnchorAlias alias:
                throw new YamlException(alias.Start, alias.End, $"aliases (*{alias.Value}) are not supported in policy files; write the value out");
            case Scalar scalar:
                return new YamlScalar(
                    Line(scalar.Start),
                    Column(scalar.Start),
                    scalar.Value,
                    IsPlain: scalar.Style is ScalarStyle.Plain or ScalarStyle.Any,
                    IsQuoted: scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted,
                    IsSingleLine: scalar.Start.Line == scalar.End.Line);
            case SequenceStart start:
                var items = new List<YamlNode>();
                while (Next() is not SequenceEnd)
                {
                    items.Add(ReadNode(_parser.Current!, depth + 1));
                }

                return new YamlSequence(Line(start.Start), Column(start.Start), items);
            case MappingStart start:
                return ReadMapping(start, depth);
            default:
                throw Unexpected(current, "a value, a list or a mapping");
        }
    }

    private YamlMapping ReadMapping(MappingStart start, int depth)
    {
        var entries = new List<KeyValuePair<YamlScalar, YamlNode>>();
        var seen = new Dictionary<string, YamlScalar>(StringComparer.Ordinal);
        while (Next() is not MappingEnd)
        {
            var keyEvent = _parser.Current!;
            var keyNode = ReadNode(keyEvent, depth + 1);
            var value = ReadNode(Next(), depth + 1);
            if (keyNode is not YamlScalar key)
            {
                _errors.Add(keyNode.Line, keyNode.Column, "keys must be plain names, not lists or mappings");
                continue;
            }

            if (seen.TryGetValue(key.Value, out var first))
            {
                _errors.Add(key.Line, key.Column, $"duplicate key '{key.Value}' (first at line {first.Line.ToString(CultureInfo.InvariantCulture)}); keep one");
                continue;
            }

            seen.Add(key.Value, key);
            entries.Add(new KeyValuePair<YamlScalar, YamlNode>(key, value));
        }

        return new YamlMapping(Line(start.Start), Column(start.Start), entries);
    }

    private ParsingEvent Next()
    {
        if (_parser.Current is { } current)
        {
            _lastGood = current.End;
        }

        if (!_parser.MoveNext())
        {
            throw new YamlException(_lastGood, _lastGood, "unexpected end of the file");
        }

        return _parser.Current!;
    }

    private void Expect<T>()
        where T : ParsingEvent
    {
        var current = Next();
        if (current is not T)
        {
            throw Unexpected(current, typeof(T).Name);
        }
    }

    private static YamlException Unexpected(ParsingEvent current, string expected) =>
        new(current.Start, current.End, $"expected {expected}, found {current.GetType().Name}");
}
