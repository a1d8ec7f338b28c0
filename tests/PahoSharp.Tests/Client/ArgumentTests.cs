using NUnit.Framework;

namespace PahoSharp.Tests.Client;

/// <summary>Bad input is an <see cref="ArgumentException"/> naming the parameter, raised before any native call.</summary>
public sealed class ArgumentTests : ClientTest
{
    private static readonly object[] BadTopics =
    [
        new object[] { "", "empty" },
        new object[] { "a/+/b", "wildcard +" },
        new object[] { "a/#", "wildcard #" },
        new object[] { "a\0b", "U+0000" },
        new object[] { "bad\uD800surrogate", "unpaired surrogate" },
        new object[] { new string('x', 65536), "65,536 UTF-8 bytes" },
        new object[] { new string('é', 32768), "65,536 UTF-8 bytes from 2-byte characters" },
    ];

    [TestCaseSource(nameof(BadTopics))]
    public void BadPublishTopicNamesTheParameter(string topic, string why)
    {
        MqttClient client = Connected();

        var error = Assert.Catch<ArgumentException>(() => client.Publish(topic, "x"), why);

        Assert.That(error!.ParamName, Is.EqualTo("topic"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public void NullTopicNamesTheParameter()
    {
        MqttClient client = NewClient();

        Assert.That(() => client.Publish(null!, "x"), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("topic"));
    }

    [Test]
    public void TopicOfExactly65535BytesIsAccepted()
    {
        MqttClient client = Connected();

        Assert.That(() => client.Publish(new string('x', 65535), "x"), Throws.Nothing);
    }

    [Test]
    public void PayloadOverTheMqttLimitNamesTheParameter()
    {
        MqttClient client = NewClient();
        byte[] payload = new byte[268_435_456];

        Assert.That(() => client.Publish("t", payload), Throws.ArgumentException.With.Property("ParamName").EqualTo("payload"));
    }

    [Test]
    public void InvalidUtf16PayloadTextNamesTheParameter()
    {
        MqttClient client = NewClient();

        Assert.That(() => client.Publish("t", "\uDC00"), Throws.ArgumentException.With.Property("ParamName").EqualTo("payload"));
    }

    [TestCase("a/#/b")]
    [TestCase("a/b#")]
    [TestCase("a+/b")]
    [TestCase("")]
    public void BadSubscribeFilterNamesTheParameter(string filter)
    {
        MqttClient client = Connected();

        Assert.That(() => client.Subscribe(filter), Throws.ArgumentException.With.Property("ParamName").EqualTo("topicFilter"));
        Assert.That(client.IsConnected, Is.True);
    }

    [Test]
    public void BadWillOptionsNameTheParameter()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new WillOptions("a/#", "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("topic"));
            Assert.That(() => new WillOptions("", "x"), Throws.ArgumentException.With.Property("ParamName").EqualTo("topic"));
            Assert.That(() => new WillOptions("t", "x") { Topic = "" }, Throws.ArgumentException.With.Property("ParamName").EqualTo("value"));
            Assert.That(() => new WillOptions("t", "x") { Qos = (MqttQos)(-1) }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(1.5) }, Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new ConnectOptions { MaxInflight = 0 }, Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }

    [Test]
    public void Mqtt5OptionsOnAnMqtt3ClientAreRefused()
    {
        MqttClient client = NewClient();

        // The obsolete way to set the version still compiles, and is still checked against the client's.
#pragma warning disable CS0618
        Assert.That(() => client.Connect(new ConnectOptions { MqttVersion = MqttVersion.V5 }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("options"));
#pragma warning restore CS0618
    }
}
