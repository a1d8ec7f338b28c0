using NUnit.Framework;
using PahoSharp.Testing.Mqtt;
using PahoSharp.Tests.Client;

namespace PahoSharp.Tests.Reliability;

/// <summary>Many clients connect and abort at the same moment; no abort touches any other client.</summary>
[NonParallelizable]
public sealed class ConcurrencyTests : ClientTest
{
    [TestCase(8, 3)]
    [TestCase(32, 10, Category = "Reliability")]
    public async Task ManyClientsConnectingAndAbortingAtOnceTouchOnlyThemselves(int clients, int rounds)
    {
        await using var subscriber = await SubscribeAsync("crowd/#");
        for (int round = 0; round < rounds; round++)
        {
            MqttClient[] crowd = [.. Enumerable.Range(0, clients).Select(i => NewClient(clientId: $"crowd-{round}-{i}"))];
            bool Aborts(int i) => i % 2 == 0;

            OnOwnThreads(clients, i => crowd[i].Connect(new ConnectOptions { Will = new WillOptions($"crowd/will/{round}/{i}", "gone") }));
            bool[] aborted = new bool[clients];
            OnOwnThreads(clients, i => aborted[i] = Aborts(i) && crowd[i].AbortConnection());

            int abortCount = Enumerable.Range(0, clients).Count(Aborts);
            List<ReceivedMessage> wills = await subscriber.CollectAsync(abortCount);
            Assert.That(wills.Select(w => w.TopicText).Order(),
                Is.EqualTo(Enumerable.Range(0, clients).Where(Aborts).Select(i => $"crowd/will/{round}/{i}").Order()),
                $"round {round}: exactly the aborting clients' wills");
            for (int i = 0; i < clients; i++)
            {
                Assert.That(aborted[i], Is.EqualTo(Aborts(i)), $"round {round}: client {i} aborted");
                Assert.That(crowd[i].IsConnected, Is.EqualTo(!Aborts(i)), $"round {round}: client {i} connected");
            }
            foreach (int i in Enumerable.Range(0, clients).Where(i => !Aborts(i)))
                await crowd[i].PublishAsync($"crowd/alive/{round}/{i}", "yes", MqttQos.AtLeastOnce).AsTask().WaitAsync(DeliveryTimeout);
            List<ReceivedMessage> alive = await subscriber.CollectAsync(clients - abortCount);
            Assert.That(alive.Select(m => m.TopicText).Order(),
                Is.EqualTo(Enumerable.Range(0, clients).Where(i => !Aborts(i)).Select(i => $"crowd/alive/{round}/{i}").Order()));
            foreach (MqttClient client in crowd)
            {
                // A clean end for those that stayed: disposing them connected would publish their wills.
                if (client.IsConnected)
                    client.Disconnect(TimeSpan.FromSeconds(5));
                client.Dispose();
            }
            // Time is what is under test: nothing else arrives (a will of a client that stayed would).
            List<ReceivedMessage> late = await subscriber.DrainAsync(TimeSpan.FromMilliseconds(300));
            Assert.That(late.Select(m => m.TopicText), Is.Empty, $"round {round}: nothing more, no will of a client that stayed");
        }
    }

    /// <summary>Runs <paramref name="action"/> for 0..count-1, each on a thread of its own, all released at once.</summary>
    private static void OnOwnThreads(int count, Action<int> action)
    {
        using var start = new Barrier(count);
        Task[] tasks = [.. Enumerable.Range(0, count).Select(i => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait(TimeSpan.FromSeconds(30));
            action(i);
        }, TaskCreationOptions.LongRunning))];
        Assert.That(Task.WaitAll(tasks, TimeSpan.FromSeconds(60)), Is.True, "every thread finished");
    }
}
