"""What users load: files, folders, standard input and JSON archives, read and decoded into
texts for extraction."""
