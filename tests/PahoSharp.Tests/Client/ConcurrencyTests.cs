using NUnit.Framework;
using PahoSharp.Testing.Mqtt;

namespace PahoSharp.Tests.Client;

/// <summary>One client shared by several threads.</summary>
public sealed class ConcurrencyTests : ClientTest
{
    [Test]
    public async Task FourThreadsPublishAThousandQos1MessagesEachAndAllArrive()
    {
        const int Threads = 4, PerThread = 1000;
        await using var subscriber = await SubscribeAsync("load/#");
        MqttClient client = Connected(new ConnectOptions { MaxInflight = 16 });

        Task[] publishers = [.. Enumerable.Range(0, Threads).Select(t => Task.Factory.StartNew(() =>
        {
            for (int i = 0; i < PerThread; i++)
            {
                DeliveryToken token = client.Publish($"load/{t}", BitConverter.GetBytes(i), MqttQos.AtLeastOnce);
                if (!client.WaitForCompletion(token, DeliveryTimeout))
                    throw new TimeoutException($"thread {t}: message {i} was not delivered within {DeliveryTimeout}.");
            }
        }, TaskCreationOptions.LongRunning))];

        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromMinutes(2));
        List<ReceivedMessage> received = await subscriber.CollectAsync(Threads * PerThread, TimeSpan.FromMinutes(1));

        for (int t = 0; t < Threads; t++)
        {
            int[] sequence = [.. received.Where(m => m.TopicText == $"load/{t}").Select(m => BitConverter.ToInt32(m.Payload))];
            Assert.That(sequence, Is.EqualTo(Enumerable.Range(0, PerThread)), $"thread {t}'s messages, in order, each once");
        }
    }
}
