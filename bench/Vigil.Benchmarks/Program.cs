using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Vigil.Benchmarks.IngestParsingBenchmarks).Assembly).Run(args);
