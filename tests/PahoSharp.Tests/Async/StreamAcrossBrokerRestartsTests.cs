using System.Collections.Concurrent;
using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Async;

/// <summary>
/// A stream of QoS 1 messages while the broker is killed (SIGKILL) and restarted. The receiving client
/// gets its subscription back each time. The publisher loses nothing: every message is acknowledged,
/// or paho reports it not completed (its session went with the broker) and it is published again; and
/// the broker's own log shows it received every message the client reported acknowledged. A message
/// missing at a subscriber is one the broker received and then lost in a kill (it runs without
/// persistence, and SIGKILL leaves it no time to pass on what it held): the test checks that against
/// the log of the broker that was killed. Each message goes on a topic of its own (stream/N), so that
/// the broker's log names it.
/// </summary>
[NonParallelizable]
public sealed class StreamAcrossBrokerRestartsTests : AsyncClientTest
{
    private const int Outstanding = 50;

    [TestCase(1000, 1)]
    [TestCase(5_000, 3, Category = "Reliability")]
    [TestCase(10_000, 3, Category = "Reliability")]
    public async Task NoMessageIsLostAndTheSubscriptionComesBack(int count, int kills)
    {
        // The receiver tries again every 0 to 1 s, the publisher after 5 to 6 s (paho adds a random
        // jitter): the receiver has subscribed again before the publisher sends what it buffered.
        MqttAsyncClient receiver = NewClient(clientId: "stream-receiver");
        MqttAsyncClient publisher = NewClient(clientId: "stream-publisher", offlineBuffer: new OfflineBufferOptions { MaxMessages = count });
        var receivedByClient = new ConcurrentDictionary<int, int>();
        var reconnects = new ConcurrentQueue<MqttReconnectedEventArgs>();
        var receiverLost = new SemaphoreSlim(0);
        var publisherLost = new SemaphoreSlim(0);
        receiver.MessageReceived += (_, e) => receivedByClient.AddOrUpdate(int.Parse(e.Message.PayloadText), 1, (_, n) => n + 1);
        receiver.Reconnected += (_, e) => reconnects.Enqueue(e);
        receiver.ConnectionLost += (_, _) => receiverLost.Release();
        publisher.ConnectionLost += (_, _) => publisherLost.Release();
        await receiver.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(1) } }).WaitAsync(Timeout);
        await receiver.SubscribeAsync("stream/#", MqttQos.AtLeastOnce).WaitAsync(Timeout);
        await publisher.ConnectAsync(new ConnectOptions { Reconnect = new ReconnectOptions { MinDelay = TimeSpan.FromSeconds(6), MaxDelay = TimeSpan.FromSeconds(6) } }).WaitAsync(Timeout);
        TestSubscriber independent = await SubscribeAsync("stream/#");
        var receivedIndependently = new ConcurrentDictionary<int, int>();
        var foreignTopics = new ConcurrentQueue<string>();
        Task collecting = CollectAsync(independent, receivedIndependently, foreignTopics);

        int acknowledged = 0, republished = 0;
        var failures = new ConcurrentDictionary<MqttErrorCode, int>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var acknowledgedAt = new ConcurrentQueue<TimeSpan>();
        var publisherBack = new ConcurrentQueue<TimeSpan>();
        publisher.Reconnected += (_, _) => publisherBack.Enqueue(clock.Elapsed);
        var acknowledgedSequences = new ConcurrentDictionary<int, bool>();
        var killedLogs = new List<string>();
        var killedAt = new List<TimeSpan>();
        using var window = new SemaphoreSlim(Outstanding);
        var stream = Task.Run(async () =>
        {
            var pending = new List<Task>();
            for (int i = 0; i < count; i++)
            {
                await window.WaitAsync();
                pending.Add(PublishUntilDelivered(i));
            }
            await Task.WhenAll(pending);
        });

        async Task PublishUntilDelivered(int sequence)
        {
            try
            {
                while (true)
                {
                    try
                    {
                        await publisher.PublishAsync($"stream/{sequence}", $"{sequence}", MqttQos.AtLeastOnce);
                        Interlocked.Increment(ref acknowledged);
                        acknowledgedAt.Enqueue(clock.Elapsed);
                        acknowledgedSequences[sequence] = true;
                        return;
                    }
                    catch (MqttException e) when (e.ReasonCode is null)
                    {
                        // paho says it was not completed (its session went with the broker, or its socket
                        // failed under it), not that the broker refused it: send it again.
                        Interlocked.Increment(ref republished);
                        failures.AddOrUpdate(e.ErrorCode, 1, (_, n) => n + 1);
                        await Task.Delay(100);
                    }
                }
            }
            finally
            {
                window.Release();
            }
        }

        for (int kill = 1; kill <= kills; kill++)
        {
            int threshold = count * kill / (kills + 1);
            await Until.TrueAsync(() => Volatile.Read(ref acknowledged) >= threshold, TimeSpan.FromSeconds(120));
            killedAt.Add(clock.Elapsed);
            await Broker.KillAsync();
            killedLogs.Add(Broker.LogSinceLastStart);
            Assert.That(await receiverLost.WaitAsync(Timeout) && await publisherLost.WaitAsync(Timeout), Is.True, $"kill {kill}: both clients saw the connection end");
            await independent.DisposeAsync();
            await collecting;
            await Broker.RestartAsync();
            independent = await SubscribeAsync("stream/#");
            collecting = CollectAsync(independent, receivedIndependently, foreignTopics);
            await Until.TrueAsync(() => reconnects.Count == kill, Timeout);
        }
        await stream.WaitAsync(TimeSpan.FromMinutes(5));
        TimeSpan streamEnded = clock.Elapsed;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((receivedIndependently.Count < count || receivedByClient.Count < count) && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        await independent.DisposeAsync();

        HashSet<int> receivedByBroker = ReceivedFromPublisher(Broker.Log);
        HashSet<int> heldAtAKill = [.. killedLogs.SelectMany(log => ReceivedFromPublisher(log))];
        int[] missingAtClient = [.. Enumerable.Range(0, count).Where(i => !receivedByClient.ContainsKey(i))];
        int[] missingIndependently = [.. Enumerable.Range(0, count).Where(i => !receivedIndependently.ContainsKey(i))];
        TestContext.Out.WriteLine(
            $"{count} QoS 1 messages, {kills} broker kills: {republished} publications again after paho reported them not completed; "
            + $"received by the client {receivedByClient.Values.Sum()} ({receivedByClient.Count} distinct), by the independent subscriber "
            + $"{receivedIndependently.Values.Sum()} ({receivedIndependently.Count} distinct); lost by the broker in its kills: "
            + $"{missingAtClient.Length} for the client, {missingIndependently.Length} for the independent subscriber");
        // Acknowledgements per second before the first kill, and from each reconnect of the publisher
        // to the next kill (or the end): the offline buffer once made every phase after a reconnect
        // run at about a fifteenth of the first (issue 16, finding 6).
        TimeSpan[] acks = [.. acknowledgedAt];
        TimeSpan[] backs = [.. publisherBack];
        var phases = new List<(string Name, double PerSecond)> { ("before the first kill", Rate(acks, TimeSpan.Zero, killedAt[0])) };
        for (int i = 0; i < backs.Length; i++)
            phases.Add(($"after reconnect {i + 1}", Rate(acks, backs[i], i + 1 < killedAt.Count ? killedAt[i + 1] : streamEnded)));
        TestContext.Out.WriteLine("acknowledgements per second: " + string.Join(", ", phases.Select(p => $"{p.Name} {p.PerSecond:F0}"))
            + "; failures before a publication again: " + string.Join(", ", failures.Select(f => $"{f.Value} {f.Key}")));
        Assert.Multiple(() =>
        {
            Assert.That(failures.Keys, Is.SubsetOf(new[] { MqttErrorCode.ConnectionLost, MqttErrorCode.SessionEnded }),
                "a publication that did not complete says why: the connection broke under it, or its session ended");
            Assert.That(acknowledgedSequences.Keys, Has.Count.EqualTo(count), "every message was acknowledged in the end");
            Assert.That(acknowledgedSequences.Keys.Where(i => !receivedByBroker.Contains(i)), Is.Empty, "acknowledged, but never received by the broker");
            Assert.That(missingAtClient.Where(i => !heldAtAKill.Contains(i)), Is.Empty, "missing at the client, and not lost by the broker in a kill");
            Assert.That(missingIndependently.Where(i => !heldAtAKill.Contains(i)), Is.Empty, "missing at the independent subscriber, and not lost by the broker in a kill");
        });
        // paho 1.3.15 resent freed memory after a write into a killed connection (native/paho-patches/0003):
        // the broker disconnected it "due to malformed packet", or published garbage under a garbage topic.
        string[] malformed = [.. killedLogs.Append(Broker.LogSinceLastStart).SelectMany(log => log.Split('\n')).Where(line => line.Contains("malformed", StringComparison.OrdinalIgnoreCase))];
        Assert.That(malformed, Is.Empty, "the broker's logs name no malformed packet");
        Assert.That(foreignTopics, Is.Empty, "the independent subscriber saw only stream/N topics with their own sequence numbers");
        Assert.That(reconnects.Select(r => r.RestoreFailure), Has.All.Null);
        Assert.That(reconnects.Select(r => r.RestoredSubscriptions.Single().TopicFilter), Has.All.EqualTo("stream/#"));
    }

    /// <summary>Acknowledgements per second between two moments of the run.</summary>
    private static double Rate(TimeSpan[] acknowledgedAt, TimeSpan from, TimeSpan to) =>
        to > from ? acknowledgedAt.Count(t => t >= from && t < to) / (to - from).TotalSeconds : 0;

    /// <summary>The sequence numbers the broker logged as received from the publisher ("Received PUBLISH from stream-publisher (..., 'stream/N', ...").</summary>
    private static HashSet<int> ReceivedFromPublisher(string log)
    {
        var received = new HashSet<int>();
        foreach (string line in log.Split('\n'))
        {
            if (!line.Contains("Received PUBLISH from stream-publisher", StringComparison.Ordinal))
                continue;
            int start = line.IndexOf("'stream/", StringComparison.Ordinal);
            int end = start < 0 ? -1 : line.IndexOf('\'', start + 1);
            if (end > start && int.TryParse(line.AsSpan(start + "'stream/".Length, end - start - "'stream/".Length), out int sequence))
                received.Add(sequence);
        }
        return received;
    }

    private static async Task CollectAsync(TestSubscriber subscriber, ConcurrentDictionary<int, int> received, ConcurrentQueue<string> foreign)
    {
        try
        {
            while (true)
            {
                ReceivedMessage message = await subscriber.NextAsync(TimeSpan.FromMinutes(5));
                if (int.TryParse(message.PayloadText, out int sequence) && message.TopicText == $"stream/{sequence}")
                    received.AddOrUpdate(sequence, 1, (_, n) => n + 1);
                else
                    foreign.Enqueue($"{message.TopicText}: {message.PayloadText}");
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or TimeoutException)
        {
            // The broker went away, or the test is done with this subscriber.
        }
    }
}
