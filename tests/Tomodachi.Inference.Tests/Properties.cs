// The tests share two CPU cores with other work; running them one at a time keeps each fast and predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
