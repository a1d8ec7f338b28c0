using System.Diagnostics;
using NUnit.Framework;
using PahoSharp.Testing;
using PahoSharp.Testing.Faults;

namespace PahoSharp.Tests.Client;

/// <summary>
/// What a new user meets in the first hour with <see cref="MqttClient"/> (issue 17): failures that say
/// what happened and what to do, with the URI and the cause in words and paho's code kept.
/// </summary>
public sealed class FirstHourTests : ClientTest
{
    [Test]
    public void ARefusedPortSaysRefusedAndNamesTheUri()
    {
        string uri = $"tcp://127.0.0.1:{MosquittoBroker.FreeLoopbackPort()}";
        using var client = new MqttClient(uri, "refused");

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Failure), "paho's code is kept");
        Assert.That(error.Message, Does.Contain(uri).And.Contain("refused").And.Contain("paho return code -1"));
    }

    [Test]
    public void ANameThatDoesNotExistSaysNoSuchHost()
    {
        // .invalid never resolves (RFC 2606); a machine whose DNS does not answer at all says that instead.
        const string Uri = "tcp://no-such-host.invalid:1883";
        using var client = new MqttClient(Uri, "no-such-host");

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        TestContext.Out.WriteLine(error!.Message);
        Assert.That(error.ReturnCode, Is.EqualTo(MqttReturnCode.Failure));
        Assert.That(error.Message, Does.Contain(Uri));
        Assert.That(error.Message, Does.Contain("no such host").Or.Contain("did not resolve"));
    }

    [Test]
    public void AnMqttsUriWithoutTlsOptionsIsAnArgumentExceptionThatSaysSo()
    {
        using var client = new MqttClient("mqtts://127.0.0.1:8883", "no-tls");

        var error = Assert.Throws<ArgumentException>(() => client.Connect(new ConnectOptions()));

        Assert.That(error!.ParamName, Is.EqualTo("options"));
        Assert.That(error.Message, Does.Contain("mqtts://127.0.0.1:8883").And.Contain("Tls"));
    }

    [Test]
    public void PublishingBeforeConnectingSaysNotConnectedYet()
    {
        MqttClient client = NewClient();

        var error = Assert.Throws<MqttException>(() => client.Publish("t", "x", MqttQos.AtLeastOnce));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected), "paho's code is kept");
        Assert.That(error.Message, Does.Contain("not connected yet").And.Contain("Connect").And.Contain("-3"));
    }

    [Test]
    public void SubscribingBeforeConnectingSaysNotConnectedYet()
    {
        MqttClient client = NewClient();

        var error = Assert.Throws<MqttException>(() => client.Subscribe("t"));

        Assert.That(error!.ReturnCode, Is.EqualTo(MqttReturnCode.Disconnected));
        Assert.That(error.Message, Does.Contain("not connected yet").And.Contain("Connect"));
    }

    [Test]
    public async Task AListenerThatNeverAnswersIsTriedOnceWithinTheConnectTimeoutAndTheMessageSaysTimedOut()
    {
        await using var silent = SilentListener.Start();
        using var client = new MqttClient(silent.Address, "unanswered");
        var timeout = TimeSpan.FromSeconds(3);
        var took = Stopwatch.StartNew();

        var error = Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = timeout }));

        took.Stop();
        TestContext.Out.WriteLine($"{took.Elapsed.TotalSeconds:F1} s: {error!.Message}");
        // With paho's fallback to MQTT 3.1 (the old default) a second connection followed the first.
        Assert.That(silent.AcceptedConnections, Is.EqualTo(1), "one attempt: no MQTT 3.1 fallback by default");
        Assert.That(took.Elapsed, Is.LessThan(2 * timeout), "bounded by the connect timeout");
        Assert.That(error.Message, Does.Contain(silent.Address).And.Contain("timed out").And.Contain("connect timeout of 3 s"));
    }

    [Test]
    public async Task ABrokerThatClosesTheConnectionAfterConnectSeesOneAttemptNotAFallbackToMqtt31()
    {
        await using var closing = ClosingListener.Start();
        using var client = new MqttClient(closing.Address, "closed");

        Assert.Throws<MqttException>(() => client.Connect(new ConnectOptions { ConnectTimeout = TimeSpan.FromSeconds(5) }));

        // paho's default version (the old default of ConnectOptions) tried MQTT 3.1 on a second connection.
        Assert.That(closing.Accepted, Is.EqualTo(1));
    }

    [Test]
    public void AClientCreatedForMqtt5ConnectsWithMqtt5WithoutSayingSoAgain()
    {
        MqttClient client = NewClient(MqttVersion.V5);

        MqttConnectResult result = client.Connect(new ConnectOptions());

        Assert.That(result.MqttVersion, Is.EqualTo(MqttVersion.V5));
    }

    [Test]
    public async Task ConnectAndDisconnectNeedNoArguments()
    {
        await using var subscriber = await SubscribeAsync("first/#");
        MqttClient client = NewClient();

        client.Connect();
        client.Publish("first/t", "x", MqttQos.AtLeastOnce);
        client.Disconnect();

        Assert.That((await subscriber.NextAsync()).PayloadText, Is.EqualTo("x"));
        Assert.That(await Broker.WaitForLogAsync($"Client {client.ClientId} ", DeliveryTimeout), Does.EndWith($"Client {client.ClientId} disconnected."), "DISCONNECT, not a closed socket");
    }

    [Test]
    public void TheClientsOwnDefaultIsMqtt311WithoutFallback()
    {
        using var client = new MqttClient(Broker.Address, "default-version");

        MqttConnectResult result = client.Connect(new ConnectOptions());

        Assert.That(client.Version, Is.EqualTo(MqttVersion.V3_1_1));
        Assert.That(result.MqttVersion, Is.EqualTo(MqttVersion.V3_1_1));
    }
}

/// <summary>A listener on a free loopback port that reads what a client sends first, then closes the connection.</summary>
internal sealed class ClosingListener : IAsyncDisposable
{
    private readonly System.Net.Sockets.TcpListener listener = new(System.Net.IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private Task loop = Task.CompletedTask;
    private int accepted;

    public string Address => $"tcp://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref accepted);

    public static ClosingListener Start()
    {
        var closing = new ClosingListener();
        closing.listener.Start();
        closing.loop = Task.Run(closing.AcceptLoopAsync);
        return closing;
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await loop.WaitAsync(TimeSpan.FromSeconds(5));
        stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        var buffer = new byte[1024];
        try
        {
            while (true)
            {
                using System.Net.Sockets.Socket socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref accepted);
                await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, stop.Token);
            }
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }
}
