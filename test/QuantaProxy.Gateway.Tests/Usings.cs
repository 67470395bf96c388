global using NUnit.Framework;

// Unit tests: no gateway, no sandbox, no external server, no shared static state, so their fixtures run side by side.
// The functional tests (QuantaProxy.Gateway.FunctionalTests) start hosts, processes and servers and stay sequential.
[assembly: Parallelizable(ParallelScope.Fixtures)]
