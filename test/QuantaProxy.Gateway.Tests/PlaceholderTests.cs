namespace QuantaProxy.Gateway.Tests;
public class PlaceholderTests { [Test] public void Assembly_loads() => Assert.That(typeof(PlaceholderTests).Assembly.GetName().Name, Is.EqualTo("QuantaProxy.Gateway.Tests")); }
