"""Application core: the factory, configuration, extensions and error handling."""
