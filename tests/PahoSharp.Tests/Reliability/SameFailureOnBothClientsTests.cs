using NUnit.Framework;
using PahoSharp.Testing;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// The same failure, made on <see cref="MqttClient"/> and on <see cref="MqttAsyncClient"/>, reads the
/// same: what went wrong (<see cref="MqttException.ErrorCode"/>), the broker's own code
/// (<see cref="MqttException.ConnectReturnCode"/>, <see cref="MqttException.ReasonCode"/>) and paho's
/// raw code (<see cref="MqttException.NativeCode"/>), whichever client a caller holds.
/// </summary>
public sealed class SameFailureOnBothClientsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Test]
    public async Task PublishingBeforeConnectingIsNotConnected()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync();
        using var sync = new MqttClient(Options(broker, MqttVersion.V3_1_1));
        using var async = new MqttAsyncClient(Options(broker, MqttVersion.V3_1_1));

        var fromSync = Assert.Throws<MqttException>(() => sync.Publish("t", "x", MqttQos.AtLeastOnce));
        var fromAsync = await Assert.ThrowsAsync<MqttException>(async () => await async.PublishAsync("t", "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout));

        Assert.That(Reading(fromAsync!), Is.EqualTo(Reading(fromSync!)));
        Assert.That(Reading(fromSync!), Is.EqualTo((MqttErrorCode.NotConnected, (MqttConnectReturnCode?)null, (MqttReasonCode?)null, (int?)-3)));
    }

    [Test]
    public async Task AnMqtt311BrokersRefusalIsItsConnackCode()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(allowAnonymous: false);
        using var sync = new MqttClient(Options(broker, MqttVersion.V3_1_1));
        using var async = new MqttAsyncClient(Options(broker, MqttVersion.V3_1_1));

        var fromSync = Assert.Throws<MqttException>(() => sync.Connect());
        var fromAsync = await Assert.ThrowsAsync<MqttException>(async () => await async.ConnectAsync().WaitAsync(Timeout));

        Assert.That(Reading(fromAsync!), Is.EqualTo(Reading(fromSync!)));
        Assert.That(Reading(fromSync!), Is.EqualTo((MqttErrorCode.RefusedByBroker, (MqttConnectReturnCode?)MqttConnectReturnCode.NotAuthorized, (MqttReasonCode?)null, (int?)5)),
            "paho's two APIs both give the CONNACK code as their own code");
    }

    [Test]
    public async Task AnMqtt5BrokersRefusalIsItsReasonCode()
    {
        await using MosquittoBroker broker = await MosquittoBroker.StartAsync(allowAnonymous: false);
        using var sync = new MqttClient(Options(broker, MqttVersion.V5));
        using var async = new MqttAsyncClient(Options(broker, MqttVersion.V5));

        var fromSync = Assert.Throws<MqttException>(() => sync.Connect());
        var fromAsync = await Assert.ThrowsAsync<MqttException>(async () => await async.ConnectAsync().WaitAsync(Timeout));

        Assert.That(Reading(fromAsync!), Is.EqualTo(Reading(fromSync!)));
        Assert.That(fromSync!.ErrorCode, Is.EqualTo(MqttErrorCode.RefusedByBroker));
        Assert.That(fromSync.ReasonCode, Is.Not.Null.And.GreaterThanOrEqualTo((MqttReasonCode)0x80));
        Assert.That(fromSync.NativeCode, Is.Null, "paho's two APIs carry an MQTT 5 refusal differently; the reason code is the one to read");
    }

    [Test]
    public async Task AClosedPortIsTheSameBareFailure()
    {
        string uri = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        using var sync = new MqttClient(new MqttClientOptions { ServerUri = uri, ClientId = "closed-sync" });
        using var async = new MqttAsyncClient(new MqttClientOptions { ServerUri = uri, ClientId = "closed-async" });
        var options = new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) };

        var fromSync = Assert.Throws<MqttException>(() => sync.Connect(options));
        var fromAsync = await Assert.ThrowsAsync<MqttException>(async () => await async.ConnectAsync(options).WaitAsync(Timeout));

        Assert.That(Reading(fromAsync!), Is.EqualTo(Reading(fromSync!)));
        Assert.That(fromSync!.NativeCode, Is.EqualTo(-1));
    }

    private static MqttClientOptions Options(MosquittoBroker broker, MqttVersion version) => new()
    {
        ServerUri = broker.Address,
        ClientId = $"{TestContext.CurrentContext.Test.MethodName}-{Guid.NewGuid():N}",
        Version = version,
    };

    private static (MqttErrorCode, MqttConnectReturnCode?, MqttReasonCode?, int?) Reading(MqttException error) =>
        (error.ErrorCode, error.ConnectReturnCode, error.ReasonCode, error.NativeCode);
}
