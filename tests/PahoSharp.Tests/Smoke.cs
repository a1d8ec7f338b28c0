using NUnit.Framework;
namespace PahoSharp.Tests;
public class Smoke { [Test] public void Works() => Assert.That(Environment.ProcessorCount, Is.GreaterThan(0)); }
