using System.Collections.Concurrent;
using NUnit.Framework;

namespace PahoSharp.Tests.Async;

/// <summary>
/// A disposed client refuses each call with <see cref="ObjectDisposedException"/>, thrown at the
/// caller, and leaves no faulted task of its own behind: an application's
/// <see cref="TaskScheduler.UnobservedTaskException"/> handler hears of nothing.
/// </summary>
[NonParallelizable]
public sealed class DisposedClientTests : AsyncClientTest
{
    [Test]
    public async Task CallsOnADisposedClientLeaveNoUnobservedTaskException()
    {
        var unobserved = new ConcurrentQueue<Exception>();
        void Record(object? sender, UnobservedTaskExceptionEventArgs e) => unobserved.Enqueue(e.Exception);
        // Whatever earlier tests left unobserved is reported now, not during this test.
        CollectUnobserved();
        TaskScheduler.UnobservedTaskException += Record;
        try
        {
            await CallDisposedClientAsync();
            CollectUnobserved();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= Record;
        }
        Assert.That(unobserved.Select(e => e.InnerException?.GetType().Name + ": " + e.InnerException?.Message), Is.Empty);
    }

    // Not inlined: the client and its tasks are out of reach once it returns.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private async Task CallDisposedClientAsync()
    {
        MqttAsyncClient client = await ConnectedAsync();
        client.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SubscribeAsync("disposed/a", MqttQos.AtLeastOnce));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.SubscribeAsync([new MqttSubscription("disposed/b", MqttQos.AtMostOnce)]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.UnsubscribeAsync("disposed/a"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.UnsubscribeAsync(["disposed/a", "disposed/b"]));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ConnectAsync(new ConnectOptions()));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.DisconnectAsync(TimeSpan.FromSeconds(1)));
    }

    private static void CollectUnobserved()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
    }
}
