// Placeholder entry point until the sandbox's standalone host lands.
return 0;
