using Microsoft.Data.Sqlite;

namespace GovernedCrm.Security.Tests.Fixtures;

/// <summary>Reads the embedded CRM file of a data folder directly, read-only: what was really written.</summary>
internal static class CrmFile
{
    /// <summary>A deal's amount as stored.</summary>
    public static async Task<string?> DealAmountAsync(string dataFolder, string dealId)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataFolder, "crm.db")};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT amount FROM deals WHERE id = $id";
        command.Parameters.AddWithValue("$id", dealId);
        return (await command.ExecuteScalarAsync())?.ToString();
    }
}
