Console.Error.WriteLine("benchmarks: not written yet");
