// Placeholder entry point until the benchmark lands.
return 0;
