using NUnit.Framework;
using PahoSharp.Tests.Infrastructure;

namespace PahoSharp.Tests.Telemetry;

/// <summary>The publish path allocates nothing while nobody listens to PahoSharp's meter and spans (the bytes the calling thread allocates).</summary>
public sealed class AllocationTests : BrokerTest
{
    [TestCase(MqttQos.AtMostOnce)]
    [TestCase(MqttQos.AtLeastOnce)]
    public void PublishingAllocatesNothingWhileNobodyListens(MqttQos qos)
    {
        using var client = new MqttClient(Broker.Address, "allocation");
        client.Connect(new ConnectOptions());
        byte[] payload = new byte[16];
        // The ledger of packet identifiers grows, by doubling, to the highest identifier paho has used
        // (up to 65,535): warmed up to identifier 2,100, the next 1,000 fit in what it has.
        for (int i = 0; i < 2100; i++)
            Publish(client, payload, qos);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            Publish(client, payload, qos);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(allocated, Is.Zero);
        client.Disconnect(TimeSpan.FromSeconds(5));
    }

    private static void Publish(MqttClient client, ReadOnlySpan<byte> payload, MqttQos qos)
    {
        DeliveryToken token = client.Publish("allocation/t", payload, qos);
        if (qos != MqttQos.AtMostOnce && !client.WaitForCompletion(token, TimeSpan.FromSeconds(10)))
            Assert.Fail("not acknowledged within 10 s");
    }
}
