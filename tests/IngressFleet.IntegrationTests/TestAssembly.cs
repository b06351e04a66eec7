// Real processes and sockets on a 2-core machine: a 3-silo fleet with Redis and load saturates both cores,
// and any test beside it measures the contention instead of the product. One test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
