"""WebKitGTK tests through W3C WebDriver (the engine of every iPhone browser)."""
