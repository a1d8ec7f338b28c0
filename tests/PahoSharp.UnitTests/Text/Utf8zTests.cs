using System.Text;
using NUnit.Framework;
using PahoSharp.Interop;

namespace PahoSharp.UnitTests.Text;

/// <summary>
/// What paho reads as a C string: the UTF-8 bytes and one NUL, checked as MQTT wants it; a topic of up to
/// <see cref="Utf8z.StackBytes"/> bytes stays in the caller's stack buffer (the publish path allocates nothing).
/// </summary>
public sealed class Utf8zTests
{
    [TestCase("a/b")]
    [TestCase("température/°C")]
    [TestCase("日本/東京")]
    [TestCase("emoji/😀")]
    public unsafe void EncodesUtf8WithOneNulAfterIt(string text)
    {
        byte[] expected = Encoding.UTF8.GetBytes(text);
        using var utf8 = Utf8z.String(text, stackalloc byte[Utf8z.StackBytes], "value");

        Assert.That(utf8.Length, Is.EqualTo(expected.Length));
        Assert.That(utf8.Bytes.ToArray(), Is.EqualTo(expected));
        Assert.That(utf8.Terminated.ToArray(), Is.EqualTo(expected.Append((byte)0).ToArray()));
        fixed (byte* pinned = utf8)
            Assert.That(new string((sbyte*)pinned, 0, utf8.Length, Encoding.UTF8), Is.EqualTo(text), "what paho reads from the pinned pointer");
    }

    [Test]
    public unsafe void AShortTopicStaysInTheCallersStackBuffer()
    {
        Span<byte> stack = stackalloc byte[Utf8z.StackBytes];
        using var utf8 = Utf8z.TopicName("sensors/1/temperature", stack, "topic");

        fixed (byte* pinned = utf8)
        fixed (byte* buffer = stack)
            Assert.That((nint)pinned, Is.EqualTo((nint)buffer));
    }

    [Test]
    public unsafe void ALongTopicGoesToAPooledArrayAndKeepsEveryByte()
    {
        string topic = string.Join('/', Enumerable.Repeat("level", 200));
        Span<byte> stack = stackalloc byte[Utf8z.StackBytes];
        using var utf8 = Utf8z.TopicName(topic, stack, "topic");

        fixed (byte* pinned = utf8)
        fixed (byte* buffer = stack)
            Assert.That((nint)pinned, Is.Not.EqualTo((nint)buffer));
        Assert.That(Encoding.UTF8.GetString(utf8.Bytes), Is.EqualTo(topic));
        Assert.That(utf8.Terminated[^1], Is.Zero);
    }

    [Test]
    public void NullNamesTheParameter()
    {
        Assert.That(() => Utf8z.String(null, stackalloc byte[Utf8z.StackBytes], "clientId"),
            Throws.ArgumentNullException.With.Property(nameof(ArgumentException.ParamName)).EqualTo("clientId"));
    }

    // Not [TestCase]: an attribute stores its strings as UTF-8, which turns an unpaired surrogate into U+FFFD.
    private static readonly object[] Unreadable =
    [
        new object[] { "a\0b", "U+0000" },
        new object[] { "bad\uD800", "unpaired high surrogate" },
        new object[] { "\uDC00bad", "unpaired low surrogate" },
    ];

    [TestCaseSource(nameof(Unreadable))]
    public void AStringPahoCouldNotReadNamesTheParameter(string text, string why)
    {
        var error = Assert.Catch<ArgumentException>(() => Utf8z.String(text, stackalloc byte[Utf8z.StackBytes], "userName"), why);

        Assert.That(error!.ParamName, Is.EqualTo("userName"));
    }

    [Test]
    public void An65535ByteStringIsTheLongestAccepted()
    {
        string longest = new('x', ushort.MaxValue);
        using (var utf8 = Utf8z.String(longest, stackalloc byte[Utf8z.StackBytes], "value"))
            Assert.That(utf8.Length, Is.EqualTo(ushort.MaxValue));

        var error = Assert.Catch<ArgumentException>(() => Utf8z.String(longest + "x", stackalloc byte[Utf8z.StackBytes], "value"));
        Assert.That(error!.ParamName, Is.EqualTo("value"));
        Assert.That(error.Message, Does.Contain("65536"));
    }

    [Test]
    public void TheLimitCountsUtf8BytesNotCharacters()
    {
        // 32,768 characters of two bytes each: 65,536 bytes.
        var error = Assert.Catch<ArgumentException>(() => Utf8z.String(new string('é', 32768), stackalloc byte[Utf8z.StackBytes], "value"));

        Assert.That(error!.ParamName, Is.EqualTo("value"));
    }

    [TestCase("a/b/c")]
    [TestCase("/")]
    [TestCase("$SYS/x")]
    public void TopicNamesWithoutWildcardsAreAccepted(string topic)
    {
        using var utf8 = Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], "topic");

        Assert.That(utf8.Length, Is.EqualTo(Encoding.UTF8.GetByteCount(topic)));
    }

    [TestCase("", "empty")]
    [TestCase("a/+/b", "'+'")]
    [TestCase("a/#", "'#'")]
    [TestCase("a+b", "'+' inside a level")]
    public void ATopicNameWithAWildcardOrNothingNamesTheParameter(string topic, string why)
    {
        var error = Assert.Catch<ArgumentException>(() => Utf8z.TopicName(topic, stackalloc byte[Utf8z.StackBytes], "topic"), why);

        Assert.That(error!.ParamName, Is.EqualTo("topic"));
    }

    [TestCase("#")]
    [TestCase("+")]
    [TestCase("a/#")]
    [TestCase("a/+/b")]
    [TestCase("+/+/#")]
    [TestCase("$share/group/a/#")]
    [TestCase("/")]
    public void FiltersWithWholeLevelWildcardsAreAccepted(string filter)
    {
        using var utf8 = Utf8z.TopicFilter(filter, stackalloc byte[Utf8z.StackBytes], "topicFilter");

        Assert.That(Encoding.UTF8.GetString(utf8.Bytes), Is.EqualTo(filter));
    }

    [TestCase("")]
    [TestCase("a#")]
    [TestCase("a/#/b")]
    [TestCase("#/a")]
    [TestCase("a+/b")]
    [TestCase("a/b+")]
    [TestCase("a/++")]
    public void AFilterWithAWildcardInsideALevelNamesTheParameter(string filter)
    {
        var error = Assert.Catch<ArgumentException>(() => Utf8z.TopicFilter(filter, stackalloc byte[Utf8z.StackBytes], "topicFilter"));

        Assert.That(error!.ParamName, Is.EqualTo("topicFilter"));
    }
}
