using Microsoft.Data.Sqlite;

namespace PahoSharp.Persistence.Sqlite;

/// <summary>
/// An <see cref="IMqttPersistence"/> in a SQLite database file: what paho keeps in flight survives the
/// process, a crash included (each write is a committed transaction, journaled by SQLite). One table,
/// keyed by client identifier, server URI and paho's key, so several clients may share a file; give
/// each client its own instance.
/// </summary>
public sealed class SqlitePersistence : IMqttPersistence, IDisposable
{
    private readonly SqliteConnection connection;
    private readonly Lock gate = new();
    private string? clientId;
    private string? serverUri;

    /// <summary>Opens (or creates) the database at <paramref name="path"/>.</summary>
    /// <param name="path">The database file.</param>
    public SqlitePersistence(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Execute("""
            PRAGMA journal_mode = WAL;
            PRAGMA synchronous = FULL;
            CREATE TABLE IF NOT EXISTS paho_persistence (
                client_id TEXT NOT NULL,
                server_uri TEXT NOT NULL,
                key TEXT NOT NULL,
                value BLOB NOT NULL,
                PRIMARY KEY (client_id, server_uri, key));
            """);
    }

    /// <inheritdoc/>
    public void Open(string clientId, string serverUri)
    {
        lock (gate)
        {
            this.clientId = clientId;
            this.serverUri = serverUri;
        }
    }

    /// <inheritdoc/>
    public void Close()
    {
        lock (gate)
        {
            clientId = null;
            serverUri = null;
        }
    }

    /// <inheritdoc/>
    public void Put(string key, ReadOnlySpan<byte> value)
    {
        byte[] copy = value.ToArray();
        lock (gate)
        {
            using SqliteCommand command = Command("INSERT OR REPLACE INTO paho_persistence (client_id, server_uri, key, value) VALUES ($client, $server, $key, $value)");
            command.Parameters.AddWithValue("$key", key);
            command.Parameters.AddWithValue("$value", copy);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public byte[]? Get(string key)
    {
        lock (gate)
        {
            using SqliteCommand command = Command("SELECT value FROM paho_persistence WHERE client_id = $client AND server_uri = $server AND key = $key");
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() as byte[];
        }
    }

    /// <inheritdoc/>
    public void Remove(string key)
    {
        lock (gate)
        {
            using SqliteCommand command = Command("DELETE FROM paho_persistence WHERE client_id = $client AND server_uri = $server AND key = $key");
            command.Parameters.AddWithValue("$key", key);
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyCollection<string> Keys()
    {
        lock (gate)
        {
            using SqliteCommand command = Command("SELECT key FROM paho_persistence WHERE client_id = $client AND server_uri = $server");
            using SqliteDataReader reader = command.ExecuteReader();
            var keys = new List<string>();
            while (reader.Read())
                keys.Add(reader.GetString(0));
            return keys;
        }
    }

    /// <inheritdoc/>
    public void Clear()
    {
        lock (gate)
        {
            using SqliteCommand command = Command("DELETE FROM paho_persistence WHERE client_id = $client AND server_uri = $server");
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc/>
    public bool ContainsKey(string key)
    {
        lock (gate)
        {
            using SqliteCommand command = Command("SELECT 1 FROM paho_persistence WHERE client_id = $client AND server_uri = $server AND key = $key");
            command.Parameters.AddWithValue("$key", key);
            return command.ExecuteScalar() is not null;
        }
    }

    /// <summary>Closes the database.</summary>
    public void Dispose() => connection.Dispose();

    private SqliteCommand Command(string sql)
    {
        if (clientId is null || serverUri is null)
            throw new InvalidOperationException("The store is not open: paho opens it before using it.");
        SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$client", clientId);
        command.Parameters.AddWithValue("$server", serverUri);
        return command;
    }

    private void Execute(string sql)
    {
        using SqliteCommand command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
