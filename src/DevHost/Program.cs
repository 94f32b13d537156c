Console.WriteLine("DevHost");
