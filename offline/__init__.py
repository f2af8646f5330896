"""Reading a meeting without a network: the service worker that serves the stored meeting pack."""
