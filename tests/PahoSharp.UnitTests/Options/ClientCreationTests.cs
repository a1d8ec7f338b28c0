using NUnit.Framework;

namespace PahoSharp.UnitTests.Options;

/// <summary>Creating either client with options it cannot use fails at once, naming the parameter, before paho creates anything.</summary>
public sealed class ClientCreationTests
{
    private static IEnumerable<TestCaseData> BadOptions()
    {
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "tcp://broker:70000", ClientId = "c" }).SetName("{m}(port past 65535)");
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "http://broker", ClientId = "c" }).SetName("{m}(unknown scheme)");
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "", ClientId = "c" }).SetName("{m}(empty URI)");
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "tcp://broker", ClientId = null! }).SetName("{m}(no client id)");
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "tcp://broker", ClientId = "c", Version = (MqttVersion)9 }).SetName("{m}(no such MQTT version)");
        yield return new TestCaseData(new MqttClientOptions { ServerUri = "tcp://broker", ClientId = "c", ReceiveBufferFullMode = (ReceiveBufferFullMode)9 }).SetName("{m}(no such buffer mode)");
    }

    [TestCaseSource(nameof(BadOptions))]
    public void TheSynchronousClientNamesOptions(MqttClientOptions options)
    {
        Assert.That(() => new MqttClient(options), Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("options"));
    }

    [TestCaseSource(nameof(BadOptions))]
    public void TheAsyncClientNamesOptions(MqttClientOptions options)
    {
        Assert.That(() => new MqttAsyncClient(options), Throws.InstanceOf<ArgumentException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("options"));
    }

    [Test]
    public void TheConvenienceConstructorsNameTheirOwnParameters()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new MqttClient("tcp://broker:0", "c", ClientPersistence.None), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri"));
            Assert.That(() => new MqttClient("tcp://broker", null!, ClientPersistence.None), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("clientId"));
            Assert.That(() => new MqttClient("tcp://broker", "c", ClientPersistence.None, (MqttVersion)9), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property(nameof(ArgumentException.ParamName)).EqualTo("version"));
            Assert.That(() => new MqttAsyncClient("ws://broker:99999/mqtt", "c"), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("serverUri"));
            Assert.That(() => new MqttAsyncClient("tcp://broker", null!), Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("clientId"));
        });
    }

    [Test]
    public void TheSynchronousClientHasNoOfflineBuffer()
    {
        var options = new MqttClientOptions { ServerUri = "tcp://broker", ClientId = "c", OfflineBuffer = new OfflineBufferOptions() };

        Assert.That(() => new MqttClient(options), Throws.ArgumentException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("options").And.Message.Contain("MqttAsyncClient"));
    }
}
