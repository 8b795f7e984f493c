global using Xunit;

// Process-based tests start silos, Redis and the CLI; on a 2-core machine they run one
// collection at a time so that start-up never races a deadline.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
