Console.WriteLine("mesh-gateway: not yet");
