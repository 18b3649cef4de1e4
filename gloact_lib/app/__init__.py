"""The application: the ``gloact`` command, the Voila server, Chromium, the test and benchmark harness."""
