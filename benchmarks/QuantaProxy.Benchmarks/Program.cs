using BenchmarkDotNet.Running;

// dotnet run -c Release --project benchmarks/QuantaProxy.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(QuantaProxy.Benchmarks.ShortConfig).Assembly).Run(args, new QuantaProxy.Benchmarks.ShortConfig());
