"""Reading other systems' files and databases into the store."""
