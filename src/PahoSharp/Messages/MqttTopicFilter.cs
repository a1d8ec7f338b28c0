using PahoSharp.Interop;

namespace PahoSharp;

/// <summary>
/// Whether a topic name matches a topic filter, by MQTT's rules (MQTT 3.1.1 section 4.7, MQTT 5 section
/// 4.7): <c>+</c> matches exactly one level (an empty one too), <c>#</c> as the last level matches
/// that level's parent and everything below it, and a filter that starts with a wildcard does not match
/// a topic that starts with <c>$</c> (<c>$SYS/...</c>). A shared subscription's filter
/// (<c>$share/GROUP/FILTER</c>) matches as its FILTER does.
/// </summary>
public static class MqttTopicFilter
{
    private const string SharePrefix = "$share/";

    /// <summary>Whether <paramref name="topicName"/> matches <paramref name="topicFilter"/>.</summary>
    /// <param name="topicFilter">A valid topic filter: <c>#</c> only as a whole last level, <c>+</c> only as a whole level.</param>
    /// <param name="topicName">The topic of a message (no wildcards).</param>
    /// <exception cref="ArgumentException">The filter is empty or not valid (named <paramref name="topicFilter"/>), or the topic is null.</exception>
    public static bool Matches(string topicFilter, string topicName)
    {
        CheckFilter(topicFilter, nameof(topicFilter));
        ArgumentNullException.ThrowIfNull(topicName);
        return MatchesChecked(topicFilter, topicName);
    }

    /// <summary>Checks a filter as a subscription would (<see cref="ArgumentException"/> named <paramref name="paramName"/>).</summary>
    internal static void CheckFilter(string? topicFilter, string paramName)
    {
        using var filter = Utf8z.TopicFilter(topicFilter, stackalloc byte[Utf8z.StackBytes], paramName);
    }

    /// <summary><see cref="Matches"/> for a filter known to be valid.</summary>
    internal static bool MatchesChecked(string topicFilter, string topicName)
    {
        ReadOnlySpan<char> filter = topicFilter;
        if (filter.StartsWith(SharePrefix, StringComparison.Ordinal))
        {
            // $share/GROUP/FILTER: the group is one level.
            ReadOnlySpan<char> afterPrefix = filter[SharePrefix.Length..];
            int slash = afterPrefix.IndexOf('/');
            if (slash < 0)
                return false;
            filter = afterPrefix[(slash + 1)..];
        }
        ReadOnlySpan<char> topic = topicName;
        if (topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
            return false;
        while (true)
        {
            int filterSlash = filter.IndexOf('/');
            ReadOnlySpan<char> filterLevel = filterSlash < 0 ? filter : filter[..filterSlash];
            if (filterLevel is "#")
                return true;
            int topicSlash = topic.IndexOf('/');
            ReadOnlySpan<char> topicLevel = topicSlash < 0 ? topic : topic[..topicSlash];
            if (filterLevel is not "+" && !filterLevel.SequenceEqual(topicLevel))
                return false;
            if (filterSlash < 0 || topicSlash < 0)
            {
                // Both end here; or the topic ends and the filter goes on with "/#" alone ("a/#" matches "a").
                return filterSlash < 0 ? topicSlash < 0 : topicSlash < 0 && filter[(filterSlash + 1)..] is "#";
            }
            filter = filter[(filterSlash + 1)..];
            topic = topic[(topicSlash + 1)..];
        }
    }
}
