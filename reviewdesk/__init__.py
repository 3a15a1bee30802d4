"""reviewdesk: statutory review and child protection conference tracking for children's services.

The core package. It never imports Qt or the `ui` package (a test enforces this), so every
computation here can run headless: from the command line, in tests, or behind the window.
"""

__version__ = "0.1.0"
