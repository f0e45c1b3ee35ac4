using System.Text;

namespace Tomodachi.Web.Tests.Export;

/// <summary>An RFC 4180 reader for the tests, written apart from the writers it checks.</summary>
internal static class Csv
{
    /// <summary>Records of a document; quoted fields may hold commas, quotes and line breaks.</summary>
    public static List<List<string>> Parse(string document)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < document.Length; i++)
        {
            var c = document[i];
            if (quoted && c == '"' && i + 1 < document.Length && document[i + 1] == '"')
            {
                field.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                record.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\n' or '\r' && !quoted)
            {
                if (c == '\r' && i + 1 < document.Length && document[i + 1] == '\n')
                {
                    i++;
                }

                record.Add(field.ToString());
                field.Clear();
                records.Add(record);
                record = [];
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || record.Count > 0)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
