using System.Text;
using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Text;

/// <summary>Payloads and the string checks the options use: what MQTT allows goes through unchanged, the rest names the parameter.</summary>
public sealed class MqttTextTests
{
    [Test]
    public void APayloadKeepsU0000AndEveryOtherCharacter()
    {
        string text = "a\0b é 😀";

        byte[] bytes = MqttText.EncodePayload(text, "payload");

        Assert.That(bytes, Is.EqualTo(Encoding.UTF8.GetBytes(text)));
    }

    [Test]
    public void APayloadWithAnUnpairedSurrogateNamesTheParameter()
    {
        var error = Assert.Catch<ArgumentException>(() => MqttText.EncodePayload("x\uD800", "payload"));

        Assert.That(error!.ParamName, Is.EqualTo("payload"));
    }

    [Test]
    public void APayloadLengthPastMqttsRemainingLengthNamesTheParameter()
    {
        Assert.That(() => MqttText.CheckPayloadLength(MqttText.MaxPayloadBytes, "payload"), Throws.Nothing);
        Assert.That(() => MqttText.CheckPayloadLength(MqttText.MaxPayloadBytes + 1, "payload"),
            Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("payload"));
    }

    [Test]
    public void CheckStringRefusesU0000AndNull()
    {
        Assert.That(() => MqttText.CheckString("ok", "name"), Throws.Nothing);
        Assert.That(() => MqttText.CheckString("a\0", "name"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("name"));
        Assert.That(() => MqttText.CheckString(null, "name"), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("name"));
    }

    [Test]
    public void CheckTopicNameRefusesWildcards()
    {
        Assert.That(() => MqttText.CheckTopicName("a/b", "topic"), Throws.Nothing);
        Assert.That(() => MqttText.CheckTopicName("a/#", "topic"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("topic"));
    }
}
