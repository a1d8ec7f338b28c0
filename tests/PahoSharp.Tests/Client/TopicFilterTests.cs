using NUnit.Framework;

namespace PahoSharp.Tests.Client;

/// <summary>MQTT's wildcard rules (MQTT 3.1.1 and 5, section 4.7), without a broker.</summary>
public sealed class TopicFilterTests
{
    [TestCase("a/b", "a/b", true)]
    [TestCase("a/b", "a/c", false)]
    [TestCase("a/b", "a/b/c", false)]
    [TestCase("a/+", "a/b", true)]
    [TestCase("a/+", "a/", true)]
    [TestCase("a/+", "a", false)]
    [TestCase("a/+", "a/b/c", false)]
    [TestCase("+/b", "a/b", true)]
    [TestCase("+/+", "/b", true)]
    [TestCase("a/#", "a", true)]
    [TestCase("a/#", "a/b/c", true)]
    [TestCase("a/#", "ab", false)]
    [TestCase("a/+/c/#", "a/x/c", true)]
    [TestCase("a/+/c/#", "a/x/d/e", false)]
    [TestCase("#", "a/b", true)]
    [TestCase("#", "/", true)]
    [TestCase("#", "$SYS/broker", false)]
    [TestCase("+/broker", "$SYS/broker", false)]
    [TestCase("$SYS/#", "$SYS/broker", true)]
    [TestCase("$share/group/a/+", "a/b", true)]
    [TestCase("$share/group/a/+", "b/b", false)]
    [TestCase("A/b", "a/b", false)]
    public void MatchesAsMqttSays(string filter, string topic, bool matches)
    {
        Assert.That(MqttTopicFilter.Matches(filter, topic), Is.EqualTo(matches));
    }

    [TestCase("a/#/b")]
    [TestCase("a/b#")]
    [TestCase("a+/b")]
    [TestCase("")]
    public void AnInvalidFilterIsAnArgumentExceptionNamingIt(string filter)
    {
        Assert.That(() => MqttTopicFilter.Matches(filter, "a/b"), Throws.ArgumentException.With.Property("ParamName").EqualTo("topicFilter"));
    }
}
