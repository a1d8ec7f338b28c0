using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NUnit.Framework;

namespace PahoSharp.Tests.Hosting;

/// <summary>
/// Options the client would refuse fail the host's start, before anything connects, with a message
/// that names the configuration key: checked by the client's own types (URIs by its constructor,
/// durations and the will by its option setters), rules across keys, and data annotations.
/// </summary>
public sealed class OptionsValidationTests : HostingTest
{
    [TestCase("Mqtt:ServerUri", "tcp://127.0.0.1:70000", "Mqtt:ServerUri: \"tcp://127.0.0.1:70000\": the port must be a number from 1 to 65535.")]
    [TestCase("Mqtt:ServerUri", "http://127.0.0.1:1883", "Mqtt:ServerUri: \"http://127.0.0.1:1883\": paho connects with")]
    [TestCase("Mqtt:ServerUri", "tcp://::1:1883", "Mqtt:ServerUri: \"tcp://::1:1883\": an IPv6 address must be written in brackets")]
    [TestCase("Mqtt:FailoverUris:0", "tcp://127.0.0.1:1/path", "Mqtt:FailoverUris:0: \"tcp://127.0.0.1:1/path\": only ws:// and wss:// URIs have a path.")]
    [TestCase("Mqtt:ClientId", "a\u0000b", "Mqtt:ClientId: ")]
    [TestCase("Mqtt:KeepAlive", "00:00:01.500", "Mqtt:KeepAlive: Keep-alive must be whole seconds between 0 and 65535. (configured: 00:00:01.5000000)")]
    [TestCase("Mqtt:KeepAlive", "1.00:00:00", "Mqtt:KeepAlive: ")]
    [TestCase("Mqtt:ConnectTimeout", "00:00:00", "Mqtt:ConnectTimeout: The connect timeout must be positive")]
    [TestCase("Mqtt:MaxInflight", "0", "Mqtt:MaxInflight: ")]
    [TestCase("Mqtt:Reconnect:MinDelay", "00:00:00.500", "Mqtt:Reconnect:MinDelay: paho counts reconnect delays in whole seconds, from 1.")]
    [TestCase("Mqtt:Reconnect:MinDelay", "00:01:00", "Mqtt:Reconnect:MinDelay: 00:01:00 is longer than Mqtt:Reconnect:MaxDelay (00:00:02).")]
    [TestCase("Mqtt:OfflineBuffer:MaxMessages", "0", "Mqtt:OfflineBuffer:MaxMessages: ")]
    [TestCase("Mqtt:ReceiveBufferCapacity", "0", "Mqtt:ReceiveBufferCapacity: ")]
    [TestCase("Mqtt:SessionExpiry", "01:00:00", "Mqtt:SessionExpiry: a session expiry interval exists in MQTT 5 only: set Mqtt:Version to V5")]
    [TestCase("Mqtt:Password", "secret", "Mqtt:Password: MQTT 3.1.1 forbids a password without a user name [MQTT-3.1.2-22]: set Mqtt:UserName too.")]
    [TestCase("Mqtt:StartTimeout", "00:00:00", "Mqtt:StartTimeout: ")]
    [TestCase("Mqtt:DisconnectTimeout", "-00:00:01", "Mqtt:DisconnectTimeout: ")]
    public async Task AValueTheClientWouldRefuseFailsStartNamingItsKey(string key, string value, string expected)
    {
        (IHost host, _) = NewHost(MqttSettings((key, value)));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Message, Does.Contain(expected));
    }

    [TestCase("Mqtt:Will:Topic", "status/#", "Mqtt:Will:Topic: ")]
    [TestCase("Mqtt:Will:Topic", "status/+/x", "Mqtt:Will:Topic: ")]
    [TestCase("Mqtt:Will:Qos", "3", "Mqtt:Will:Qos: QoS must be 0, 1 or 2.")]
    public async Task AWillTheClientWouldRefuseFailsStartNamingItsKey(string key, string value, string expected)
    {
        Dictionary<string, string?> settings = MqttSettings(("Mqtt:Will:Topic", "status/worker"), ("Mqtt:Will:Payload", "offline"));
        settings[key] = value;
        (IHost host, _) = NewHost(settings);

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Message, Does.Contain(expected));
    }

    [Test]
    public async Task AWillPayloadWithoutUtf8FormFailsStartNamingItsKey()
    {
        // An unpaired surrogate: set here, as an attribute's string would not keep it.
        (IHost host, _) = NewHost(MqttSettings(("Mqtt:Will:Topic", "status/worker"), ("Mqtt:Will:Payload", "off\ud800line")));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Failures, Has.Some.StartsWith("Mqtt:Will:Payload: "));
    }

    // The source-generated validator's wording: "MEMBER: the attribute's message", the nested member
    // named by its path in the message.
    [TestCase("Mqtt:ServerUri", "", "ServerUri: The MqttClientServiceOptions.ServerUri field is required.")]
    [TestCase("Mqtt:ClientId", "", "ClientId: The MqttClientServiceOptions.ClientId field is required.")]
    [TestCase("Mqtt:Version", "9", "Version: The field MqttClientServiceOptions.Version is invalid.")]
    [TestCase("Mqtt:StartMode", "7", "StartMode: The field MqttClientServiceOptions.StartMode is invalid.")]
    [TestCase("Mqtt:Will:Payload", "offline", "Topic: The MqttClientServiceOptions.Will.Topic field is required.")]
    public async Task DataAnnotationsFailStartNamingTheMember(string key, string value, string expected)
    {
        (IHost host, _) = NewHost(MqttSettings((key, value)));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Message, Does.Contain(expected));
    }

    [Test]
    public async Task EveryProblemIsNamedInOneFailure()
    {
        (IHost host, _) = NewHost(MqttSettings(("Mqtt:ServerUri", "tcp://127.0.0.1:0"), ("Mqtt:KeepAlive", "00:00:00.250"), ("Mqtt:Will:Topic", "#")));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Failures, Has.Some.StartsWith("Mqtt:ServerUri: ")
            .And.Some.StartsWith("Mqtt:KeepAlive: ")
            .And.Some.StartsWith("Mqtt:Will:Topic: "));
    }

    [Test]
    public async Task OptionsConfiguredInCodeAreNamedWithoutASection()
    {
        (IHost host, _) = NewHost([], addMqtt: (services, _) => services.AddMqttClient(options =>
        {
            options.ServerUri = "tcp://127.0.0.1:70000";
            options.ClientId = ClientId;
        }));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Failures, Has.Some.StartsWith("ServerUri: \"tcp://127.0.0.1:70000\""));
    }

    [Test]
    public async Task ASectionAtAnyDepthNamesItsFullPath()
    {
        (IHost host, _) = NewHost(
            new Dictionary<string, string?> { ["Services:Telemetry:Mqtt:ServerUri"] = "tcp://127.0.0.1:70000", ["Services:Telemetry:Mqtt:ClientId"] = ClientId },
            addMqtt: (services, configuration) => services.AddMqttClient(configuration.GetSection("Services:Telemetry:Mqtt")));

        OptionsValidationException? failure = await StartFailsAsync(host);

        Assert.That(failure!.Failures, Has.Some.StartsWith("Services:Telemetry:Mqtt:ServerUri: "));
    }

    /// <summary>Start fails with the validation failure, and nothing reached the broker.</summary>
    private async Task<OptionsValidationException?> StartFailsAsync(IHost host)
    {
        OptionsValidationException? failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync().WaitAsync(Timeout));
        await TestContext.Out.WriteLineAsync(failure?.Message);
        Assert.That(Broker.Log, Does.Not.Contain("New client connected"), "validation comes before any connect");
        return failure;
    }
}
