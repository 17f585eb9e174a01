using System.ComponentModel;
using ModelContextProtocol.Server;

namespace GovernedCrm.Testing.UngovernedTool;

/// <summary>A tool class whose tool says nothing about governance: a server loading it must refuse to start.</summary>
[McpServerToolType]
public sealed class UngovernedTools
{
    /// <summary>Echoes its text, with no [GovernedTool].</summary>
    /// <param name="text">Any text.</param>
    /// <returns>The text.</returns>
    [McpServerTool(Name = "Test.Ungoverned"), Description("A tool without governance metadata.")]
    public static string Echo(string text) => text;

    /// <summary>Uses the assembly's own dependency, so it stays referenced.</summary>
    /// <returns>A generator of its own.</returns>
    public static CsCheck.Gen<int> Numbers() => CsCheck.Gen.Int;
}
