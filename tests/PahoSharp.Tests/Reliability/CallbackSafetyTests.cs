using NUnit.Framework;
using PahoSharp.Interop;
using PahoSharp.Native;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>
/// Nothing thrown in a callback crosses into paho's C frames (it would end the process), and no
/// handler runs once <see cref="MqttClient.Dispose"/> has returned.
/// </summary>
public sealed class CallbackSafetyTests : ClientTest
{
    [Test]
    public unsafe void ExceptionsInEveryPahoCallbackStayOnTheManagedSide()
    {
        var target = new ThrowingTarget();
        nint id = CallbackRegistry<IClientCallbacks>.Register(target);
        nint client = 0;
        try
        {
            using (var uri = Utf8z.String(Broker.Address, stackalloc byte[Utf8z.StackBytes], "uri"))
            using (var clientId = Utf8z.String("throwing-callbacks", stackalloc byte[Utf8z.StackBytes], "id"))
            {
                fixed (byte* u = uri)
                fixed (byte* c = clientId)
                    Assert.That(MQTTClientApi.MQTTClient_create(&client, u, c, MQTTClientPersistenceConstants.MQTTCLIENT_PERSISTENCE_NONE, null), Is.Zero);
            }
            Assert.That(ClientCallbacks.Set(client, id, mqtt5: false), Is.Zero);
            MQTTClient_connectOptions options = Initializers.MQTTClient_connectOptions_initializer;
            Assert.That(MQTTClientApi.MQTTClient_connect(client, &options), Is.Zero);

            byte* topic = stackalloc byte[] { (byte)'t', 0 };
            byte payload = 1;
            int token;
            Assert.That(MQTTClientApi.MQTTClient_subscribe(client, topic, 1), Is.Zero);
            Assert.That(MQTTClientApi.MQTTClient_publish(client, topic, 1, &payload, 1, 0, &token), Is.Zero);
            Assert.That(target.Delivered.Wait(DeliveryTimeout) && target.Arrived.Wait(DeliveryTimeout), Is.True, "paho called back, and the callbacks threw");

            Broker.DisposeAsync().AsTask().Wait(DeliveryTimeout);
            Assert.That(target.Lost.Wait(DeliveryTimeout), Is.True, "connectionLost was called, and threw");
        }
        finally
        {
            CallbackRegistry<IClientCallbacks>.Unregister(id);
            if (client != 0)
                MQTTClientApi.MQTTClient_destroy(&client);
        }
        // Still here: the process survived three exceptions thrown on paho's threads.
    }

    [Test]
    public async Task NoHandlerRunsOnceDisposeHasReturned()
    {
        MqttClient client = Connected();
        client.Subscribe("handlers/#", MqttQos.AtLeastOnce);
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        int calls = 0;
        client.MessageReceived += (_, _) =>
        {
            Interlocked.Increment(ref calls);
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(15));
        };
        for (int i = 0; i < 5; i++)
            await client.PublishAsync("handlers/t", $"{i}", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
        Assert.That(entered.Wait(DeliveryTimeout), Is.True);

        // A thread of its own: the handler holds one of the pool's few threads on this 2-core machine.
        Task disposing = Task.Factory.StartNew(client.Dispose, TaskCreationOptions.LongRunning);
        // Time is what is under test: Dispose must still be waiting for the running handler.
        Assert.That(disposing.Wait(TimeSpan.FromMilliseconds(500)), Is.False, "Dispose waits for the handler that runs");
        release.Set();
        await disposing.WaitAsync(DeliveryTimeout);
        int callsWhenDisposed = Volatile.Read(ref calls);

        await Task.Delay(500);
        Assert.That(Volatile.Read(ref calls), Is.EqualTo(callsWhenDisposed), "no handler ran after Dispose returned");
        Assert.That(callsWhenDisposed, Is.LessThan(5), "the queued messages were dropped, not handed to handlers");
    }

    [Test]
    public async Task DisposeFromAHandlerDoesNotWaitForItself()
    {
        MqttClient client = Connected();
        client.Subscribe("handlers/#");
        var disposed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.MessageReceived += (_, _) =>
        {
            client.Dispose();
            disposed.TrySetResult();
        };

        client.Publish("handlers/t", "x");

        await disposed.Task.WaitAsync(DeliveryTimeout);
        Assert.That(() => client.Publish("handlers/t", "y"), Throws.TypeOf<ObjectDisposedException>());
    }

    private sealed unsafe class ThrowingTarget : IClientCallbacks
    {
        public ManualResetEventSlim Arrived { get; } = new();

        public ManualResetEventSlim Delivered { get; } = new();

        public ManualResetEventSlim Lost { get; } = new();

        public void OnMessageArrived(ReadOnlySpan<byte> topic, MQTTClient_message* message)
        {
            Arrived.Set();
            throw new InvalidOperationException("thrown in messageArrived");
        }

        public void OnConnectionLost(string? cause)
        {
            Lost.Set();
            throw new InvalidOperationException("thrown in connectionLost");
        }

        public void OnDeliveryComplete(int token)
        {
            Delivered.Set();
            throw new InvalidOperationException("thrown in deliveryComplete");
        }

        public void OnPublished(int token, int packetType, MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
            throw new InvalidOperationException("thrown in published");

        public void OnDisconnected(MQTTReasonCodes reasonCode, MQTTProperties* properties) =>
            throw new InvalidOperationException("thrown in disconnected");
    }
}
