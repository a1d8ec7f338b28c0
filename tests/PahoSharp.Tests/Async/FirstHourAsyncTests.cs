using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;

namespace PahoSharp.Tests.Async;

/// <summary>
/// What a new user meets in the first hour with <see cref="MqttAsyncClient"/> (issue 17): failures that
/// say what happened and what to do, with the URI and the cause in words and paho's code kept.
/// </summary>
public sealed class FirstHourAsyncTests : AsyncClientTest
{
    [Test]
    public async Task ARefusedPortSaysRefusedAndNamesTheUri()
    {
        string uri = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        MqttAsyncClient client = NewClient(serverUri: uri);

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }).WaitAsync(Timeout));

        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Failure), "paho's code is kept");
        Assert.That(error.Message, Does.Contain(uri).And.Contain("refused").And.Contain("return code -1"));
    }

    [Test]
    public async Task ANameThatDoesNotExistSaysNoSuchHost()
    {
        // .invalid never resolves (RFC 2606); a machine whose DNS does not answer at all says that instead.
        const string Uri = "tcp://no-such-host.invalid:1883";
        MqttAsyncClient client = NewClient(serverUri: Uri);

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }).WaitAsync(Timeout));

        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));
        Assert.That(error.Message, Does.Contain(Uri));
        Assert.That(error.Message, Does.Contain("no such host").Or.Contain("did not resolve"));
    }

    [Test]
    public async Task AnMqttsUriWithoutTlsOptionsIsAnArgumentExceptionThatSaysSo()
    {
        MqttAsyncClient client = NewClient(serverUri: "mqtts://127.0.0.1:8883");

        ArgumentException? error = await Assert.ThrowsAsync<ArgumentException>(() => client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout));

        Assert.That(error!.ParamName, Is.EqualTo("options"));
        Assert.That(error.Message, Does.Contain("mqtts://127.0.0.1:8883").And.Contain("Tls"));
    }

    [Test]
    public async Task PublishingBeforeConnectingSaysNotConnectedYet()
    {
        MqttAsyncClient client = NewClient();

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("t", "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout));

        Assert.That(error!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Disconnected), "paho's code is kept");
        Assert.That(error.Message, Does.Contain("not connected yet").And.Contain("ConnectAsync").And.Contain("-3"));
    }

    [Test]
    public async Task SubscribingBeforeConnectingSaysNotConnectedYet()
    {
        MqttAsyncClient client = NewClient();

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.SubscribeAsync("t").WaitAsync(Timeout));

        Assert.That(error!.AsyncReturnCode, Is.EqualTo(MqttAsyncReturnCode.Disconnected));
        Assert.That(error.Message, Does.Contain("not connected yet").And.Contain("ConnectAsync"));
    }

    [Test]
    public async Task AListenerThatNeverAnswersIsTriedOnceAndTheMessageSaysTimedOut()
    {
        await using var silent = SilentListener.Start();
        MqttAsyncClient client = NewClient(serverUri: silent.Address);
        var timeout = TimeSpan.FromSeconds(3);
        var took = Stopwatch.StartNew();

        MqttException? error = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(new ConnectOptions { ConnectTimeout = timeout }).WaitAsync(Timeout));

        took.Stop();
        TestContext.Out.WriteLine($"{took.Elapsed.TotalSeconds:F1} s: {error!.Message}");
        // With paho's fallback to MQTT 3.1 (the old default) a second connection followed the first,
        // with a connect timeout of its own: 12.3 s in all for a timeout of 5 s.
        Assert.That(silent.AcceptedConnections, Is.EqualTo(1), "one attempt: no MQTT 3.1 fallback by default");
        // paho's MQTTAsync looks at connect timeouts every 3 s: a wide margin above that.
        Assert.That(took.Elapsed, Is.LessThan(timeout + TimeSpan.FromSeconds(6)), "bounded by the connect timeout");
        Assert.That(error.Message, Does.Contain(silent.Address).And.Contain("timed out").And.Contain("connect timeout of 3 s"));
    }

    [Test]
    public async Task AClientCreatedForMqtt5ConnectsWithMqtt5WithoutSayingSoAgain()
    {
        MqttAsyncClient client = NewClient(MqttVersion.V5);

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        Assert.That(result.MqttVersion, Is.EqualTo(MqttVersion.V5));
    }

    [Test]
    public async Task ConnectAsyncAndDisconnectAsyncNeedNoArguments()
    {
        await using var subscriber = await SubscribeAsync("first/#");
        MqttAsyncClient client = NewClient();

        await client.ConnectAsync().WaitAsync(Timeout);
        await client.PublishAsync("first/t", "x", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        await client.DisconnectAsync().WaitAsync(Timeout);

        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("x"));
        Assert.That(await Broker.WaitForLogAsync($"Client {client.ClientId} ", Timeout), Does.EndWith($"Client {client.ClientId} disconnected."), "DISCONNECT, not a closed socket");
    }

    [Test]
    public async Task ASubscriptionMadeWhileConnectingWaitsForTheConnection()
    {
        await Broker.KillAsync();
        MqttAsyncClient client = NewClient();
        Task<MqttConnectResult> first = client.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(2) } });
        Task<MqttSubscribeResult> subscribed = client.SubscribeAsync("first/#", MqttQos.AtLeastOnce);
        await Assert.ThrowsAsync<MqttException>(() => first.WaitAsync(Timeout), "the broker is down: paho goes on trying");
        Assert.That(subscribed.IsCompleted, Is.False, "the subscription waits for the connection");

        await Broker.RestartAsync();

        Assert.That((await subscribed.WaitAsync(Timeout)).GrantedQos, Is.EqualTo(MqttQos.AtLeastOnce));
        var received = new TaskCompletionSource<MqttMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += (_, e) => received.TrySetResult(e.Message);
        await using var publisher = new MqttAsyncClient(Broker.Address, "first-publisher");
        await publisher.ConnectAsync().WaitAsync(Timeout);
        await publisher.PublishAsync("first/t", "after the connect", MqttQos.AtLeastOnce).AsTask().WaitAsync(Timeout);
        Assert.That((await received.Task.WaitAsync(Timeout)).Topic, Is.EqualTo("first/t"));
    }

    [Test]
    public async Task TheClientsOwnDefaultIsMqtt311WithoutFallback()
    {
        await using var client = new MqttAsyncClient(Broker.Address, "default-version");

        MqttConnectResult result = await client.ConnectAsync(new ConnectOptions()).WaitAsync(Timeout);

        Assert.That(client.Version, Is.EqualTo(MqttVersion.V3_1_1));
        Assert.That(result.MqttVersion, Is.EqualTo(MqttVersion.V3_1_1));
    }
}
