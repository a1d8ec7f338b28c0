using System.Net;
using System.Net.Sockets;

using MQTTnet;
using MQTTnet.Protocol;

using NUnit.Framework;
using NUnit.Framework.Interfaces;

using PahoSharp.Testing;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Testing.MqttNet;

namespace PahoSharp.Tests.Infrastructure;

/// <summary>
/// What the Mosquitto helper offers beyond a plain start: an ACL file, extra configuration, a kill
/// and a restart on the same port. Each answer of Mosquitto 2.0.11 is seen by an MQTTnet MQTT 5 client.
/// </summary>
public sealed class MosquittoBrokerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>Anonymous clients may do anything but publish under denied/.</summary>
    private const string DenyWritesUnderDenied = """
        topic readwrite #
        topic deny denied/#
        """;

    private MosquittoBroker? broker;

    [TearDown]
    public async Task StopBrokerAsync()
    {
        if (broker is null)
            return;
        if (TestContext.CurrentContext.Result.Outcome.Status == TestStatus.Failed)
            await TestContext.Out.WriteLineAsync($"--- mosquitto log (127.0.0.1:{broker.Port}) ---\n{broker.Log}");
        await broker.DisposeAsync();
        broker = null;
    }

    [Test]
    public async Task AclDenyingWritesGivesPubackAndPubrecNotAuthorized()
    {
        broker = await MosquittoBroker.StartAsync(aclFileContents: DenyWritesUnderDenied);
        Assert.That(File.ReadAllText(broker.ConfigurationFile), Does.Contain($"acl_file {Path.Combine(broker.Directory, MosquittoBroker.AclFileName)}"));
        await using var subscriber = await TestSubscriber.ConnectAsync(broker.Port, "#");
        using IMqttClient client = await MqttNetClients.ConnectAsync(broker.Port, "acl-v5");

        MqttClientPublishResult qos1 = await client.PublishStringAsync("denied/a", "1", MqttQualityOfServiceLevel.AtLeastOnce);
        MqttClientPublishResult qos2 = await client.PublishStringAsync("denied/b", "2", MqttQualityOfServiceLevel.ExactlyOnce);
        MqttClientPublishResult allowed = await client.PublishStringAsync("allowed/c", "3", MqttQualityOfServiceLevel.AtLeastOnce);

        Assert.That(((int)qos1.ReasonCode, qos1.ReasonCode), Is.EqualTo((0x87, MqttClientPublishReasonCode.NotAuthorized)));
        Assert.That(((int)qos2.ReasonCode, qos2.ReasonCode), Is.EqualTo((0x87, MqttClientPublishReasonCode.NotAuthorized)));
        Assert.That(allowed.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.Success));
        // Mosquitto's own account of the answers, independent of MQTTnet's decoding.
        Assert.That(await broker.WaitForLogAsync("Sending PUBACK to acl-v5 (m1, rc", Timeout), Does.EndWith("Sending PUBACK to acl-v5 (m1, rc135)"));
        Assert.That(await broker.WaitForLogAsync("Sending PUBREC to acl-v5 (m2, rc", Timeout), Does.EndWith("Sending PUBREC to acl-v5 (m2, rc135)"));
        // Only the allowed message reached the subscriber, which sees everything.
        Assert.That((await subscriber.NextAsync()).TopicText, Is.EqualTo("allowed/c"));
        Assert.That(await subscriber.DrainAsync(TimeSpan.FromMilliseconds(200)), Is.Empty);
    }

    [Test]
    public async Task MaxQos1GrantsQos1ToAQos2Subscription()
    {
        broker = await MosquittoBroker.StartAsync(extraConfiguration: "max_qos 1");
        using IMqttClient client = await MqttNetClients.ConnectAsync(broker.Port, "maxqos-v5");

        MqttClientSubscribeResult result = await client.SubscribeAsync("t", MqttQualityOfServiceLevel.ExactlyOnce);

        Assert.That(result.Items.Single().ResultCode, Is.EqualTo(MqttClientSubscribeResultCode.GrantedQoS1));
    }

    [Test]
    public async Task KillEndsTheProcessAndRestartServesTheSamePortWithTheSameConfiguration()
    {
        broker = await MosquittoBroker.StartAsync(aclFileContents: DenyWritesUnderDenied);
        int port = broker.Port;
        int firstPid = broker.ProcessId;
        using IMqttClient before = await MqttNetClients.ConnectAsync(port, "before-kill");
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        before.DisconnectedAsync += _ =>
        {
            lost.TrySetResult();
            return Task.CompletedTask;
        };

        await broker.KillAsync();

        Assert.That(broker.HasExited, Is.True);
        await lost.Task.WaitAsync(Timeout);
        using (var refused = new TcpClient())
        {
            Assert.That(async () => await refused.ConnectAsync(IPAddress.Loopback, port),
                Throws.InstanceOf<SocketException>().With.Property(nameof(SocketException.SocketErrorCode)).EqualTo(SocketError.ConnectionRefused));
        }

        await broker.RestartAsync();

        Assert.That((broker.Port, broker.HasExited, broker.Starts), Is.EqualTo((port, false, 2)));
        Assert.That(broker.ProcessId, Is.Not.EqualTo(firstPid));
        Assert.That(broker.Log, Does.Contain("killed with SIGKILL").And.Contain("restarted on the same port"));
        Assert.That(broker.LogSinceLastStart, Does.Not.Contain("before-kill"));
        using IMqttClient after = await MqttNetClients.ConnectAsync(port, "after-restart");
        MqttClientPublishResult denied = await after.PublishStringAsync("denied/x", "x", MqttQualityOfServiceLevel.AtLeastOnce);
        Assert.That(denied.ReasonCode, Is.EqualTo(MqttClientPublishReasonCode.NotAuthorized), "the ACL still applies after the restart");
        await broker.WaitForLogAsync("as after-restart", Timeout, sinceLastStart: true);
    }

    [Test]
    public async Task WriteFileTakesPlainNamesOnly()
    {
        broker = await MosquittoBroker.StartAsync();

        string path = broker.WriteFile("notes.txt", "x");

        Assert.That(path, Is.EqualTo(Path.Combine(broker.Directory, "notes.txt")));
        Assert.That(File.ReadAllText(path), Is.EqualTo("x"));
        Assert.That(() => broker.WriteFile("../escape", "x"), Throws.ArgumentException);
    }
}
