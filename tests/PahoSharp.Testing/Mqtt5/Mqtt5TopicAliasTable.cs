using System.Text;

namespace PahoSharp.Testing.Mqtt5;

/// <summary>
/// The topic aliases a sender set up toward this end of one network connection (MQTT 5.0 section
/// 3.3.2.3.4): a PUBLISH with a topic name and an alias (re)defines the alias, one with an empty
/// topic name uses it. An alias of 0, one above the Topic Alias Maximum this end announced, or an
/// unknown alias with no topic name is a Protocol Error, reported as <see cref="Mqtt5ProtocolErrorException"/>.
/// </summary>
/// <param name="maximum">The Topic Alias Maximum this end sent (0: it accepts no alias).</param>
public sealed class Mqtt5TopicAliasTable(ushort maximum)
{
    private readonly Dictionary<ushort, byte[]> topics = [];

    /// <summary>The highest alias the sender may use.</summary>
    public ushort Maximum => maximum;

    /// <summary>The topic <paramref name="publish"/> is for, recording the alias it sets up, if any.</summary>
    public byte[] Resolve(Mqtt5Publish publish)
    {
        ushort? alias = publish.Properties.TopicAlias;
        if (alias is null)
        {
            return publish.TopicName.Length > 0
                ? publish.TopicName
                : throw new Mqtt5ProtocolErrorException($"Protocol Error: a PUBLISH with neither a topic name nor a topic alias. {publish}");
        }
        if (alias == 0 || alias > maximum)
            throw new Mqtt5ProtocolErrorException($"Protocol Error: topic alias {alias} outside 1..{maximum} (the Topic Alias Maximum this client sent). {publish}");
        if (publish.TopicName.Length > 0)
        {
            topics[alias.Value] = publish.TopicName;
            return publish.TopicName;
        }
        return topics.TryGetValue(alias.Value, out byte[]? topic)
            ? topic
            : throw new Mqtt5ProtocolErrorException($"Protocol Error: topic alias {alias} used before it was set. {publish}");
    }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Join(", ", topics.OrderBy(p => p.Key).Select(p => $"{p.Key}=\"{Encoding.UTF8.GetString(p.Value)}\""));
}
