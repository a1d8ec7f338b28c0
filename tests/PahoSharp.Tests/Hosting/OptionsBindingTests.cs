using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;
using PahoSharp.Extensions.Hosting;

namespace PahoSharp.Tests.Hosting;

/// <summary>The <c>Mqtt</c> section bound from an in-memory configuration, and what the client is made of and connects with.</summary>
public sealed class OptionsBindingTests : HostingTest
{
    [Test]
    public void EveryKeyBindsAndReachesTheClientsOptions()
    {
        (IHost host, _) = NewHost(MqttSettings(
            ("Mqtt:FailoverUris:0", "tcp://127.0.0.1:1884"),
            ("Mqtt:FailoverUris:1", "tcp://[::1]:1885"),
            ("Mqtt:Version", "V5"),
            ("Mqtt:KeepAlive", "00:00:20"),
            ("Mqtt:CleanSession", "false"),
            ("Mqtt:SessionExpiry", "01:00:00"),
            ("Mqtt:UserName", "operator"),
            ("Mqtt:Password", "pässword"),
            ("Mqtt:ConnectTimeout", "00:00:07"),
            ("Mqtt:MaxInflight", "20"),
            ("Mqtt:Reconnect:MinDelay", "00:00:02"),
            ("Mqtt:Reconnect:MaxDelay", "00:00:40"),
            ("Mqtt:OfflineBuffer:MaxMessages", "500"),
            ("Mqtt:OfflineBuffer:DeleteOldest", "true"),
            ("Mqtt:ReceiveBufferCapacity", "64"),
            ("Mqtt:ReceiveBufferFullMode", "DropNewest"),
            ("Mqtt:Will:Topic", "status/遗嘱"),
            ("Mqtt:Will:Payload", "offline"),
            ("Mqtt:Will:Qos", "1"),
            ("Mqtt:Will:Retained", "true"),
            ("Mqtt:PahoTrace", "true"),
            ("Mqtt:StartMode", "WaitForConnection"),
            ("Mqtt:StartTimeout", "00:00:09"),
            ("Mqtt:DisconnectTimeout", "00:00:03")));

        MqttClientServiceOptions options = host.Services.GetRequiredService<IOptions<MqttClientServiceOptions>>().Value;
        ConnectOptions connect = MqttOptionsMapping.ToConnectOptions(options);
        MqttClientOptions create = MqttOptionsMapping.ToClientOptions(options, null);
        MqttAsyncClient client = host.Services.GetRequiredService<MqttAsyncClient>();

        Assert.Multiple(() =>
        {
            Assert.That(client.ServerUri, Is.EqualTo(Broker.Address));
            Assert.That(client.ClientId, Is.EqualTo(ClientId));
            Assert.That(client.Version, Is.EqualTo(MqttVersion.V5));
            Assert.That(host.Services.GetRequiredService<MqttConnectionMonitor>().Client, Is.SameAs(client));

            Assert.That(create.ReceiveBufferCapacity, Is.EqualTo(64));
            Assert.That(create.ReceiveBufferFullMode, Is.EqualTo(ReceiveBufferFullMode.DropNewest));
            Assert.That(create.OfflineBuffer?.MaxMessages, Is.EqualTo(500));
            Assert.That(create.OfflineBuffer?.DeleteOldest, Is.True);

            // paho's serverURIs replace the client's own URI: the first is the client's.
            Assert.That(connect.ServerUris, Is.EqualTo(new[] { Broker.Address, "tcp://127.0.0.1:1884", "tcp://[::1]:1885" }));
            Assert.That(create.Version, Is.EqualTo(MqttVersion.V5), "set once, on the client");
            Assert.That(connect.KeepAlive, Is.EqualTo(TimeSpan.FromSeconds(20)));
            Assert.That(connect.CleanSession, Is.False);
            Assert.That(connect.Properties?.SessionExpiryInterval, Is.EqualTo(TimeSpan.FromHours(1)));
            Assert.That(connect.UserName, Is.EqualTo("operator"));
            Assert.That(connect.Password?.ToArray(), Is.EqualTo(Encoding.UTF8.GetBytes("pässword")));
            Assert.That(connect.ConnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(connect.MaxInflight, Is.EqualTo(20));
            Assert.That(connect.Reconnect?.MinDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(connect.Reconnect?.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(40)));
            Assert.That(connect.Will?.Topic, Is.EqualTo("status/遗嘱"));
            Assert.That(connect.Will?.PayloadText, Is.EqualTo("offline"));
            Assert.That(connect.Will?.Qos, Is.EqualTo(MqttQos.AtLeastOnce));
            Assert.That(connect.Will?.Retained, Is.True);

            Assert.That(options.PahoTrace, Is.True);
            Assert.That(options.StartMode, Is.EqualTo(MqttStartMode.WaitForConnection));
            Assert.That(options.StartTimeout, Is.EqualTo(TimeSpan.FromSeconds(9)));
            Assert.That(options.DisconnectTimeout, Is.EqualTo(TimeSpan.FromSeconds(3)));
        });
    }

    [Test]
    public void OnlyTheRequiredKeysGiveTheClientsDefaultsAndAlwaysReconnect()
    {
        (IHost host, _) = NewHost(new Dictionary<string, string?> { ["Mqtt:ServerUri"] = Broker.Address, ["Mqtt:ClientId"] = ClientId });

        MqttClientServiceOptions options = host.Services.GetRequiredService<IOptions<MqttClientServiceOptions>>().Value;
        ConnectOptions connect = MqttOptionsMapping.ToConnectOptions(options);
        MqttClientOptions create = MqttOptionsMapping.ToClientOptions(options, null);
        var defaults = new ConnectOptions();
        var reconnectDefaults = new ReconnectOptions();

        Assert.Multiple(() =>
        {
            Assert.That(connect.ServerUris, Is.Empty, "the client's own URI");
            Assert.That(connect.KeepAlive, Is.EqualTo(defaults.KeepAlive));
            Assert.That(connect.CleanSession, Is.EqualTo(defaults.CleanSession));
            Assert.That(connect.ConnectTimeout, Is.EqualTo(defaults.ConnectTimeout));
            Assert.That(connect.MaxInflight, Is.EqualTo(defaults.MaxInflight));
            Assert.That(create.Version, Is.EqualTo(new MqttClientOptions { ServerUri = "x", ClientId = "x" }.Version));
            Assert.That(connect.Properties, Is.Null);
            Assert.That(connect.UserName, Is.Null);
            Assert.That(connect.Password, Is.Null);
            Assert.That(connect.Will, Is.Null);
            Assert.That(connect.Reconnect?.MinDelay, Is.EqualTo(reconnectDefaults.MinDelay));
            Assert.That(connect.Reconnect?.MaxDelay, Is.EqualTo(reconnectDefaults.MaxDelay));
            Assert.That(create.OfflineBuffer, Is.Null);
            Assert.That(create.ReceiveBufferCapacity, Is.EqualTo(new MqttClientOptions { ServerUri = "x", ClientId = "x" }.ReceiveBufferCapacity));
            Assert.That(options.StartMode, Is.EqualTo(MqttStartMode.Background));
            Assert.That(options.PahoTrace, Is.False);
        });
    }

    [Test]
    public void CodeConfiguresAfterTheSection()
    {
        (IHost host, _) = NewHost(
            MqttSettings(("Mqtt:Will:Topic", "status/worker")),
            addMqtt: (services, configuration) => services.AddMqttClient(configuration.GetSection("Mqtt"), options =>
            {
                options.ClientId += "-requester";
                options.Will = null;
            }));

        MqttClientServiceOptions options = host.Services.GetRequiredService<IOptions<MqttClientServiceOptions>>().Value;

        Assert.That(host.Services.GetRequiredService<MqttAsyncClient>().ClientId, Is.EqualTo(ClientId + "-requester"));
        Assert.That(MqttOptionsMapping.ToConnectOptions(options).Will, Is.Null);
    }

    [Test]
    public void CodeAloneConfiguresTheClient()
    {
        (IHost host, _) = NewHost(
            [],
            addMqtt: (services, _) => services.AddMqttClient(options =>
            {
                options.ServerUri = Broker.Address;
                options.ClientId = ClientId;
                options.Version = MqttVersion.V5;
            }));

        MqttAsyncClient client = host.Services.GetRequiredService<MqttAsyncClient>();

        Assert.That((client.ServerUri, client.ClientId, client.Version), Is.EqualTo((Broker.Address, ClientId, MqttVersion.V5)));
    }
}
