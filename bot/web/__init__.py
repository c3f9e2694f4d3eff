"""HTTP pages people reach from links in our emails."""
