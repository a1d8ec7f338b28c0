using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Bad input through the public API: each case is the right exception, naming the parameter, thrown
/// before any native call, and the client that saw it still connects, publishes and is acknowledged.
/// </summary>
[NonParallelizable]
public sealed class BadInputTests
{
    private const string Uri = "tcp://127.0.0.1:1883";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private MosquittoBroker? broker;
    private MqttClient? client;
    private MqttClient? other;

    private MqttClient Client => client ?? throw new InvalidOperationException("Set up first.");

    /// <summary>Every case: what it does, the exception type, and the parameter it must name (null: none).</summary>
    private static IEnumerable<TestCaseData> Cases()
    {
        static TestCaseData Case(string name, Action<MqttClient, MqttClient> bad, Type type, string? param) =>
            new TestCaseData(bad, type, param).SetName(name);

        // Creating a client.
        yield return Case("Create: null server URI", (_, _) => _ = new MqttClient(null!, "c"), typeof(ArgumentNullException), "serverUri");
        yield return Case("Create: empty server URI", (_, _) => _ = new MqttClient("", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: port 70000", (_, _) => _ = new MqttClient("tcp://127.0.0.1:70000", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: port 0", (_, _) => _ = new MqttClient("tcp://127.0.0.1:0", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: unknown scheme", (_, _) => _ = new MqttClient("ftp://127.0.0.1:21", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: IPv6 without brackets", (_, _) => _ = new MqttClient("tcp://::1:1883", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: U+0000 in URI", (_, _) => _ = new MqttClient("tcp://a\0b:1883", "c"), typeof(ArgumentException), "serverUri");
        yield return Case("Create: null client id", (_, _) => _ = new MqttClient(Uri, null!), typeof(ArgumentNullException), "clientId");
        yield return Case("Create: U+0000 in client id", (_, _) => _ = new MqttClient(Uri, "a\0b"), typeof(ArgumentException), "clientId");
        yield return Case("Create: unpaired surrogate in client id", (_, _) => _ = new MqttClient(Uri, "a\uD800"), typeof(ArgumentException), "clientId");
        yield return Case("Create: client id over 65535 bytes", (_, _) => _ = new MqttClient(Uri, new string('i', 65536)), typeof(ArgumentException), "clientId");
        yield return Case("Create: null persistence", (_, _) => _ = new MqttClient(Uri, "c", null!), typeof(ArgumentNullException), "persistence");
        yield return Case("Create: unknown MQTT version", (_, _) => _ = new MqttClient(Uri, "c", ClientPersistence.None, (MqttVersion)99), typeof(ArgumentOutOfRangeException), "version");
        yield return Case("Create: null options", (_, _) => _ = new MqttClient((MqttClientOptions)null!), typeof(ArgumentNullException), "options");
        yield return Case("Create: receive buffer of 0", (_, _) => _ = new MqttClientOptions { ServerUri = Uri, ClientId = "c", ReceiveBufferCapacity = 0 }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("Create: unknown buffer mode", (_, _) => _ = new MqttClient(new MqttClientOptions { ServerUri = Uri, ClientId = "c", ReceiveBufferFullMode = (ReceiveBufferFullMode)7 }), typeof(ArgumentOutOfRangeException), "options");
        yield return Case("Persistence: empty directory", (_, _) => ClientPersistence.InDirectory(""), typeof(ArgumentException), "directory");
        yield return Case("Persistence: null directory", (_, _) => ClientPersistence.InDirectory(null!), typeof(ArgumentNullException), "directory");
        yield return Case("Persistence: U+0000 in directory", (_, _) => ClientPersistence.InDirectory("a\0b"), typeof(ArgumentException), "directory");

        // Publishing.
        yield return Case("Publish: null topic", (c, _) => c.Publish(null!, "x"), typeof(ArgumentNullException), "topic");
        yield return Case("Publish: empty topic", (c, _) => c.Publish("", "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: + in topic", (c, _) => c.Publish("a/+", "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: # in topic", (c, _) => c.Publish("a/#", "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: U+0000 in topic", (c, _) => c.Publish("a\0b", "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: unpaired surrogate in topic", (c, _) => c.Publish("a\uDC00", "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: topic of 65536 bytes", (c, _) => c.Publish(new string('t', 65536), "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: topic of 65536 bytes in 2-byte characters", (c, _) => c.Publish(new string('é', 32768), "x"), typeof(ArgumentException), "topic");
        yield return Case("Publish: QoS 3", (c, _) => c.Publish("t", "x", (MqttQos)3), typeof(ArgumentOutOfRangeException), "qos");
        yield return Case("Publish: QoS -1", (c, _) => c.Publish("t", "x", (MqttQos)(-1)), typeof(ArgumentOutOfRangeException), "qos");
        yield return Case("Publish: null text payload", (c, _) => c.Publish("t", (string)null!), typeof(ArgumentNullException), "payload");
        yield return Case("Publish: unpaired surrogate in payload", (c, _) => c.Publish("t", "\uD800"), typeof(ArgumentException), "payload");
        yield return Case("Publish: bytes with QoS 7", (c, _) => c.Publish("t", new byte[] { 1 }.AsMemory(), (MqttQos)7), typeof(ArgumentOutOfRangeException), "qos");
        yield return Case("PublishAsync: empty topic", (c, _) => c.PublishAsync("", "x"), typeof(ArgumentException), "topic");
        yield return Case("PublishAsync: wildcard topic", (c, _) => c.PublishAsync("#", new byte[] { 1 }), typeof(ArgumentException), "topic");
        yield return Case("PublishAsync: QoS 3", (c, _) => c.PublishAsync("t", "x", (MqttQos)3), typeof(ArgumentOutOfRangeException), "qos");

        // Waiting for deliveries.
        yield return Case("WaitForCompletion: negative timeout", (c, _) => c.WaitForCompletion(default, TimeSpan.FromMilliseconds(-2)), typeof(ArgumentOutOfRangeException), "timeout");
        yield return Case("WaitForCompletion: timeout over int.MaxValue ms", (c, _) => c.WaitForCompletion(default, TimeSpan.FromDays(30)), typeof(ArgumentOutOfRangeException), "timeout");
        yield return Case("WaitForCompletion: another client's token", (c, o) => c.WaitForCompletion(o.Publish("t", "x", MqttQos.AtLeastOnce), Timeout), typeof(ArgumentException), "token");

        // Subscribing.
        yield return Case("Subscribe: null filter", (c, _) => c.Subscribe((string)null!), typeof(ArgumentNullException), "topicFilter");
        yield return Case("Subscribe: empty filter", (c, _) => c.Subscribe(""), typeof(ArgumentException), "topicFilter");
        yield return Case("Subscribe: # not last", (c, _) => c.Subscribe("a/#/b"), typeof(ArgumentException), "topicFilter");
        yield return Case("Subscribe: # inside a level", (c, _) => c.Subscribe("a/b#"), typeof(ArgumentException), "topicFilter");
        yield return Case("Subscribe: + inside a level", (c, _) => c.Subscribe("a+/b"), typeof(ArgumentException), "topicFilter");
        yield return Case("Subscribe: U+0000 in filter", (c, _) => c.Subscribe("a\0"), typeof(ArgumentException), "topicFilter");
        yield return Case("Subscribe: QoS 5", (c, _) => c.Subscribe("t", (MqttQos)5), typeof(ArgumentOutOfRangeException), "qos");
        yield return Case("Unsubscribe: null filter", (c, _) => c.Unsubscribe(null!), typeof(ArgumentNullException), "topicFilter");
        yield return Case("Unsubscribe: bad filter", (c, _) => c.Unsubscribe("x#"), typeof(ArgumentException), "topicFilter");

        // Connecting and disconnecting.
        yield return Case("Connect: null options", (c, _) => c.Connect(null!), typeof(ArgumentNullException), "options");
#pragma warning disable CS0618 // The obsolete way to set the version is still checked against the client's.
        yield return Case("Connect: MQTT 5 options on an MQTT 3.1.1 client", (c, _) => c.Connect(new ConnectOptions { MqttVersion = MqttVersion.V5 }), typeof(ArgumentException), "options");
#pragma warning restore CS0618
        yield return Case("Connect: password without user name", (c, _) => c.Connect(new ConnectOptions { Password = new byte[] { 1 } }), typeof(ArgumentException), "options");
        yield return Case("Connect: bad URI among server URIs", (c, _) => c.Connect(new ConnectOptions { ServerUris = { "tcp://127.0.0.1:99999" } }), typeof(ArgumentException), "options");
        yield return Case("Connect: when connected", (c, _) => c.Connect(new ConnectOptions()), typeof(InvalidOperationException), null);
        yield return Case("Disconnect: negative timeout", (c, _) => c.Disconnect(TimeSpan.FromSeconds(-1)), typeof(ArgumentOutOfRangeException), "timeout");
        yield return Case("Disconnect: timeout over int.MaxValue ms", (c, _) => c.Disconnect(TimeSpan.FromDays(30)), typeof(ArgumentOutOfRangeException), "timeout");
        yield return Case("DisconnectWithWill: on an MQTT 3.1.1 client", (c, _) => c.DisconnectWithWill(TimeSpan.Zero), typeof(InvalidOperationException), null);

        // Options.
        yield return Case("ConnectOptions: keep-alive of 1.5 s", (_, _) => _ = new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(1.5) }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: negative keep-alive", (_, _) => _ = new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(-1) }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: keep-alive of 65536 s", (_, _) => _ = new ConnectOptions { KeepAlive = TimeSpan.FromSeconds(65536) }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: zero connect timeout", (_, _) => _ = new ConnectOptions { ConnectTimeout = TimeSpan.Zero }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: 25-day connect timeout", (_, _) => _ = new ConnectOptions { ConnectTimeout = TimeSpan.FromDays(25) }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: MaxInflight 0", (_, _) => _ = new ConnectOptions { MaxInflight = 0 }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: MaxInflight 65536", (_, _) => _ = new ConnectOptions { MaxInflight = 65536 }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("ConnectOptions: U+0000 in user name", (_, _) => _ = new ConnectOptions { UserName = "a\0" }, typeof(ArgumentException), "value");
        yield return Case("ConnectOptions: password of 65536 bytes", (_, _) => _ = new ConnectOptions { Password = new byte[65536] }, typeof(ArgumentException), "value");
        yield return Case("WillOptions: null topic", (_, _) => _ = new WillOptions(null!, "x"), typeof(ArgumentNullException), "topic");
        yield return Case("WillOptions: empty topic", (_, _) => _ = new WillOptions("", "x"), typeof(ArgumentException), "topic");
        yield return Case("WillOptions: wildcard topic", (_, _) => _ = new WillOptions("a/#", new byte[] { 1 }), typeof(ArgumentException), "topic");
        yield return Case("WillOptions: null text payload", (_, _) => _ = new WillOptions("t", (string)null!), typeof(ArgumentNullException), "payload");
        yield return Case("WillOptions: unpaired surrogate in payload", (_, _) => _ = new WillOptions("t", "\uDBFF"), typeof(ArgumentException), "payload");
        yield return Case("WillOptions: empty topic set later", (_, _) => _ = new WillOptions("t", "x") { Topic = "" }, typeof(ArgumentException), "value");
        yield return Case("WillOptions: QoS 3", (_, _) => _ = new WillOptions("t", "x") { Qos = (MqttQos)3 }, typeof(ArgumentOutOfRangeException), "value");
        yield return Case("TlsOptions: U+0000 in trust store", (_, _) => _ = new TlsOptions { TrustStore = "ca\0.pem" }, typeof(ArgumentException), "value");
        yield return Case("MqttTrace: null handler", (_, _) => MqttTrace.Start(MqttTraceLevel.Error, null!), typeof(ArgumentNullException), "lineHandler");
        yield return Case("MqttTrace: unknown level", (_, _) => MqttTrace.Start((MqttTraceLevel)0, (_, _) => { }), typeof(ArgumentOutOfRangeException), "level");
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        broker = await MosquittoBroker.StartAsync();
        client = new MqttClient(broker.Address, "bad-input");
        client.Connect(new ConnectOptions());
        other = new MqttClient(broker.Address, "other");
        other.Connect(new ConnectOptions());
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        client?.Dispose();
        other?.Dispose();
        if (broker is not null)
            await broker.DisposeAsync();
    }

    [Test]
    public void ThereAreAtLeastFiftyCases() => Assert.That(Cases().Count(), Is.GreaterThanOrEqualTo(50));

    [TestCaseSource(nameof(Cases))]
    public void BadInputIsRefusedAndTheClientGoesOn(Action<MqttClient, MqttClient> bad, Type type, string? param)
    {
        Exception? error = Assert.Catch(() => bad(Client, other!));

        Assert.That(error, Is.TypeOf(type), error?.ToString());
        if (param is not null)
            Assert.That(((ArgumentException)error!).ParamName, Is.EqualTo(param), error.Message);
        Assert.That(Client.IsConnected, Is.True, "still connected");
        Assert.That(Client.WaitForCompletion(Client.Publish("bad-input/after", "ok", MqttQos.AtLeastOnce), Timeout), Is.True, "still publishes");
    }
}
