using System.Text;
using GovernedCrm.Crm.Embedded;

namespace GovernedCrm.Security.Tests.Fixtures;

/// <summary>Every row of the embedded CRM's record tables as text, to show that an attack changed nothing.</summary>
internal static class CrmSnapshot
{
    public static async Task<string> TakeAsync(EmbeddedCrmDatabase crm)
    {
        var text = new StringBuilder();
        await using var connection = await crm.OpenAsync(CancellationToken.None);
        foreach (var table in (string[])["contacts", "companies", "deals"])
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY id";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                text.Append(table).Append(':');
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    text.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "null" : reader.GetValue(i).ToString()).Append(';');
                }

                text.AppendLine();
            }
        }

        return text.ToString();
    }
}
