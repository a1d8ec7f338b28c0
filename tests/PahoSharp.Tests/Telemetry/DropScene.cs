using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;
using PahoSharp.Tests.Mqtt5;

namespace PahoSharp.Tests.Telemetry;

/// <summary>
/// A receiver with a one-message buffer that drops the newest (<see cref="ReceiveBufferFullMode.DropNewest"/>)
/// while its handler is held, and a sender: the first message occupies the handler, the second the
/// buffer, and every further one is dropped.
/// </summary>
internal sealed class DropScene(EitherClient receiver, EitherClient sender, string topic, TimeSpan timeout) : IDisposable
{
    private readonly ManualResetEventSlim handlerMayGo = new();
    private readonly SemaphoreSlim handlerStarted = new(0);

    public EitherClient Receiver => receiver;

    /// <summary>Connects both, subscribes the receiver to <paramref name="topic"/>, and has the receiver's handler wait.</summary>
    public static async Task<DropScene> StartAsync(EitherClient receiver, EitherClient sender, string topic, TimeSpan timeout)
    {
        var scene = new DropScene(receiver, sender, topic, timeout);
        receiver.OnMessage((_, _) =>
        {
            scene.handlerStarted.Release();
            scene.handlerMayGo.Wait(timeout);
        });
        await receiver.ConnectAsync(new ConnectOptions()).WaitAsync(timeout);
        await receiver.SubscribeAsync([new MqttSubscription(topic, MqttQos.AtMostOnce)]).WaitAsync(timeout);
        await sender.ConnectAsync(new ConnectOptions()).WaitAsync(timeout);
        return scene;
    }

    /// <summary>Fills the handler and the buffer, then sends <paramref name="dropped"/> more and waits until the receiver has dropped them.</summary>
    public async Task DropAsync(int dropped)
    {
        await SendAsync("held");
        Assert.That(await handlerStarted.WaitAsync(timeout), Is.True);
        for (int i = 0; i <= dropped; i++)
            await SendAsync($"{i}");
        await Until.TrueAsync(() => receiver.DroppedMessages == dropped, timeout);
    }

    /// <summary>Lets the handler go, and returns once the buffered message has left the buffer (its handler started).</summary>
    public async Task ReleaseAsync()
    {
        handlerMayGo.Set();
        Assert.That(await handlerStarted.WaitAsync(timeout), Is.True);
    }

    public Task SendAsync(string payload) => sender.PublishAsync(topic, payload, MqttQos.AtMostOnce, null).AsTask().WaitAsync(timeout);

    public void Dispose()
    {
        handlerMayGo.Set();
        handlerMayGo.Dispose();
        handlerStarted.Dispose();
    }
}
